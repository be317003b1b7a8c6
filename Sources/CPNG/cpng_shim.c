// libpng error handling with setjmp/longjmp, after libpng's manual (libpng-manual.txt,
// "Setting up error handling") and example.c; reading from memory with png_set_read_fn.
#include "cpng_shim.h"

#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct shim_state {
  jmp_buf jump;
  char message[256];
  int truncated;
  const unsigned char *data;
  size_t size;
  size_t offset;
};

static void shim_error(png_structp png, png_const_charp message) {
  struct shim_state *s = (struct shim_state *)png_get_error_ptr(png);
  snprintf(s->message, sizeof s->message, "%s", message);
  longjmp(s->jump, 1);
}

// Warnings (bad ancillary chunks, unknown chunks) are ignored, as Pillow does.
static void shim_warning(png_structp png, png_const_charp message) {
  (void)png;
  (void)message;
}

static void shim_read(png_structp png, png_bytep into, size_t length) {
  struct shim_state *s = (struct shim_state *)png_get_io_ptr(png);
  if (s->size - s->offset < length) {
    s->truncated = 1;
    png_error(png, "truncated PNG data (premature end of file)");
  }
  memcpy(into, s->data + s->offset, length);
  s->offset += length;
}

int sweep_png_decode(const unsigned char *data, size_t size, unsigned char **out, int *width,
                     int *height, int *color_type, int *bit_depth, int *channels,
                     unsigned char *palette, int *palette_count, char *err, size_t errlen) {
  *out = NULL;
  *palette_count = 0;
  if (size < 8 || png_sig_cmp(data, 0, 8) != 0) {
    snprintf(err, errlen, "no PNG signature");
    return SWEEP_PNG_NOT_PNG;
  }
  struct shim_state state;
  memset(&state, 0, sizeof state);
  state.data = data;
  state.size = size;
  png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &state, shim_error, shim_warning);
  if (png == NULL) {
    snprintf(err, errlen, "out of memory");
    return SWEEP_PNG_ERROR;
  }
  png_infop info = png_create_info_struct(png);
  unsigned char *volatile pixels = NULL;
  png_bytep *volatile rows = NULL;
  if (info == NULL || setjmp(state.jump)) {
    snprintf(err, errlen, "%s", info == NULL ? "out of memory" : state.message);
    png_destroy_read_struct(&png, info ? &info : NULL, NULL);
    free(pixels);
    free(rows);
    return state.truncated ? SWEEP_PNG_TRUNCATED : SWEEP_PNG_ERROR;
  }
  png_set_read_fn(png, &state, shim_read);
  // Pillow decodes without a user limit other than its pixel count; lift libpng's default
  // width/height limit of 1,000,000 accordingly (the pixel check below still applies).
  png_set_user_limits(png, 0x7fffffff, 0x7fffffff);
  png_read_info(png, info);

  png_uint_32 w = png_get_image_width(png, info), h = png_get_image_height(png, info);
  int type = png_get_color_type(png, info), depth = png_get_bit_depth(png, info);
  if ((unsigned long long)w * h > SWEEP_PNG_MAX_PIXELS) {
    snprintf(err, errlen, "image of %lu x %lu pixels is larger than the decompression-bomb limit of %llu pixels",
             (unsigned long)w, (unsigned long)h, SWEEP_PNG_MAX_PIXELS);
    png_destroy_read_struct(&png, &info, NULL);
    return SWEEP_PNG_TOO_LARGE;
  }
  if (type == PNG_COLOR_TYPE_GRAY && depth < 8) png_set_expand_gray_1_2_4_to_8(png);
  if (type == PNG_COLOR_TYPE_PALETTE && depth < 8) png_set_packing(png);
  if (type == PNG_COLOR_TYPE_PALETTE) {
    png_colorp entries = NULL;
    int count = 0;
    if (png_get_PLTE(png, info, &entries, &count) != PNG_INFO_PLTE || count <= 0) {
      png_error(png, "palette image without a PLTE chunk");
    }
    if (count > 256) count = 256;
    for (int i = 0; i < count; i++) {
      palette[3 * i] = entries[i].red;
      palette[3 * i + 1] = entries[i].green;
      palette[3 * i + 2] = entries[i].blue;
    }
    *palette_count = count;
  }
  png_set_interlace_handling(png);
  png_read_update_info(png, info);

  size_t row_bytes = png_get_rowbytes(png, info);
  pixels = malloc(row_bytes * h > 0 ? row_bytes * h : 1);
  rows = malloc(sizeof(png_bytep) * (h > 0 ? h : 1));
  if (pixels == NULL || rows == NULL) png_error(png, "out of memory");
  for (png_uint_32 y = 0; y < h; y++) rows[y] = pixels + y * row_bytes;
  png_read_image(png, rows);
  png_read_end(png, NULL);

  *width = (int)w;
  *height = (int)h;
  *color_type = type;
  *bit_depth = png_get_bit_depth(png, info);
  *channels = png_get_channels(png, info);
  png_destroy_read_struct(&png, &info, NULL);
  free(rows);
  *out = pixels;
  return 0;
}

void sweep_png_free(void *p) { free(p); }
