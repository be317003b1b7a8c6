// A small C shim over libpng (Debian's libpng16).
//
// libpng reports errors by longjmp'ing out of its error callback; this shim installs a
// handler that returns the library's message instead, so a corrupt or truncated file can
// never abort the process.
#pragma once
#include <stddef.h>

/// Failure codes of `sweep_png_decode` (0 is success).
#define SWEEP_PNG_ERROR (-1)     /* corrupt data, bad CRC, unsupported format, out of memory */
#define SWEEP_PNG_TRUNCATED (-2) /* premature end of data */
#define SWEEP_PNG_NOT_PNG (-3)   /* no PNG signature: not a PNG file at all */
#define SWEEP_PNG_TOO_LARGE (-4) /* more pixels than SWEEP_PNG_MAX_PIXELS */

/// Pillow's decompression-bomb limit (2 * Image.MAX_IMAGE_PIXELS), as for JPEG.
#define SWEEP_PNG_MAX_PIXELS 178956970ULL

/// Decodes a PNG held in memory into its raw samples, before any colour conversion, in the
/// form Pillow's PNG plugin unpacks them:
///
/// - gray of 1, 2 or 4 bits is scaled to 8 bits (0/255, x85, x17: Pillow's "1", "L;2", "L;4");
/// - palette indices of 1, 2 or 4 bits are unpacked to one byte each;
/// - 16-bit samples are kept as two bytes, big-endian (as stored);
/// - transparency (tRNS) and gamma are not applied (Pillow's convert("RGB") ignores them);
/// - Adam7-interlaced images are de-interlaced.
///
/// `*out` is malloc'ed, rows packed (height, width, channels, bytes per sample); free it with
/// `sweep_png_free`. `*color_type` is the PNG colour type (0 gray, 2 RGB, 3 palette, 4 gray +
/// alpha, 6 RGBA), `*bit_depth` 8 or 16 after the expansions above, `*channels` 1 to 4.
/// `palette` receives up to 256 RGB triples (`*palette_count` of them) for colour type 3.
/// Returns 0 on success, or one of the SWEEP_PNG_* codes with a message in `err`.
int sweep_png_decode(const unsigned char *data, size_t size, unsigned char **out, int *width,
                     int *height, int *color_type, int *bit_depth, int *channels,
                     unsigned char *palette, int *palette_count, char *err, size_t errlen);

/// Frees a buffer returned by `sweep_png_decode`.
void sweep_png_free(void *p);
