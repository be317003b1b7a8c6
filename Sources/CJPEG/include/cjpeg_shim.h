// A small C shim over libjpeg-turbo's libjpeg API.
//
// libjpeg's default error handler prints and calls exit(); these functions
// install a handler that longjmps back and returns the library's message
// instead, so a corrupt or truncated file can never abort the process.
#pragma once
#include <stddef.h>

/// Failure codes of `sweep_jpeg_decode` (0 is success).
#define SWEEP_JPEG_ERROR (-1)     /* corrupt data, unsupported format, out of memory */
#define SWEEP_JPEG_TRUNCATED (-2) /* premature end of data ("image file is truncated") */
#define SWEEP_JPEG_NOT_JPEG (-3)  /* no SOI marker: not a JPEG file at all */
#define SWEEP_JPEG_TOO_LARGE (-4) /* more pixels than SWEEP_JPEG_MAX_PIXELS */

/// Pillow's decompression-bomb limit (2 * Image.MAX_IMAGE_PIXELS): larger
/// images are refused before any pixel memory is allocated.
#define SWEEP_JPEG_MAX_PIXELS 178956970ULL

/// Decodes a JPEG held in memory into 8-bit pixels.
///
/// Grayscale images come back with 1 component, RGB/YCbCr with 3, CMYK/YCCK
/// with 4 (the raw CMYK samples as libjpeg returns them, i.e. Adobe-inverted
/// for Adobe files). `*out` is malloc'ed, rows packed (height, width, comps);
/// free it with `sweep_jpeg_free`. A premature end of data is an error.
/// Returns 0 on success, or one of the SWEEP_JPEG_* codes above with a
/// message in `err` (nothing is allocated then).
int sweep_jpeg_decode(const unsigned char *data, size_t size,
                      unsigned char **out, int *width, int *height,
                      int *components, char *err, size_t errlen);

/// Encodes packed RGB (height, width, 3) or grayscale (components == 1)
/// pixels as a baseline or progressive JPEG. `subsampling` is 420, 422 or
/// 444. `*out` is malloc'ed by libjpeg; free it with `sweep_jpeg_free`.
/// Returns 0 on success, -1 with a message in `err` on failure.
int sweep_jpeg_encode(const unsigned char *pixels, int width, int height,
                      int components, int quality, int subsampling,
                      int progressive, unsigned char **out,
                      unsigned long *outsize, char *err, size_t errlen);

/// Frees a buffer returned by the functions above.
void sweep_jpeg_free(void *p);
