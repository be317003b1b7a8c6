// libjpeg error handling with setjmp/longjmp, after libjpeg-turbo's
// example.txt ("ERROR HANDLING") and djpeg/cjpeg.
#include "cjpeg_shim.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>
#include <jerror.h>

struct shim_error {
  struct jpeg_error_mgr pub;
  jmp_buf jump;
  int truncated;
};

static void shim_error_exit(j_common_ptr cinfo) {
  struct shim_error *e = (struct shim_error *)cinfo->err;
  longjmp(e->jump, 1);
}

// Warnings are ignored (as Pillow does) except a premature end of data,
// which Pillow reports as "image file is truncated".
static void shim_emit_message(j_common_ptr cinfo, int level) {
  struct shim_error *e = (struct shim_error *)cinfo->err;
  if (level < 0 && cinfo->err->msg_code == JWRN_JPEG_EOF) {
    e->truncated = 1;
    longjmp(e->jump, 1);
  }
}

static void shim_output_message(j_common_ptr cinfo) { (void)cinfo; }

static void shim_message(j_common_ptr cinfo, struct shim_error *e, char *err,
                         size_t errlen) {
  if (errlen == 0) return;
  if (e->truncated) {
    snprintf(err, errlen, "truncated JPEG data (premature end of file)");
    return;
  }
  char buffer[JMSG_LENGTH_MAX];
  (*cinfo->err->format_message)(cinfo, buffer);
  snprintf(err, errlen, "%s", buffer);
}

static void shim_install(struct shim_error *e) {
  jpeg_std_error(&e->pub);
  e->pub.error_exit = shim_error_exit;
  e->pub.emit_message = shim_emit_message;
  e->pub.output_message = shim_output_message;
  e->truncated = 0;
}

int sweep_jpeg_decode(const unsigned char *data, size_t size,
                      unsigned char **out, int *width, int *height,
                      int *components, char *err, size_t errlen) {
  struct jpeg_decompress_struct cinfo;
  struct shim_error jerr;
  unsigned char *volatile pixels = NULL;
  *out = NULL;
  if (size == 0) {
    snprintf(err, errlen, "empty file");
    return SWEEP_JPEG_ERROR;
  }
  cinfo.err = &jerr.pub;
  shim_install(&jerr);
  if (setjmp(jerr.jump)) {
    shim_message((j_common_ptr)&cinfo, &jerr, err, errlen);
    int code = jerr.truncated ? SWEEP_JPEG_TRUNCATED
               : cinfo.err->msg_code == JERR_NO_SOI ? SWEEP_JPEG_NOT_JPEG
                                                    : SWEEP_JPEG_ERROR;
    jpeg_destroy_decompress(&cinfo);
    free(pixels);
    return code;
  }
  jpeg_create_decompress(&cinfo);
  jpeg_mem_src(&cinfo, data, (unsigned long)size);
  jpeg_read_header(&cinfo, TRUE);
  if ((unsigned long long)cinfo.image_width * cinfo.image_height >
      SWEEP_JPEG_MAX_PIXELS) {
    snprintf(err, errlen, "image of %ux%u pixels exceeds the limit of %llu",
             cinfo.image_width, cinfo.image_height, SWEEP_JPEG_MAX_PIXELS);
    jpeg_destroy_decompress(&cinfo);
    return SWEEP_JPEG_TOO_LARGE;
  }
  switch (cinfo.jpeg_color_space) {
  case JCS_GRAYSCALE:
    cinfo.out_color_space = JCS_GRAYSCALE;
    break;
  case JCS_CMYK:
  case JCS_YCCK:
    cinfo.out_color_space = JCS_CMYK;
    break;
  default:
    cinfo.out_color_space = JCS_RGB;
    break;
  }
  jpeg_start_decompress(&cinfo);
  size_t stride = (size_t)cinfo.output_width * cinfo.output_components;
  pixels = malloc(stride * cinfo.output_height);
  if (!pixels) {
    snprintf(err, errlen, "out of memory for a %ux%u image",
             cinfo.output_width, cinfo.output_height);
    jpeg_destroy_decompress(&cinfo);
    return SWEEP_JPEG_ERROR;
  }
  while (cinfo.output_scanline < cinfo.output_height) {
    JSAMPROW row = pixels + stride * cinfo.output_scanline;
    jpeg_read_scanlines(&cinfo, &row, 1);
  }
  jpeg_finish_decompress(&cinfo);
  *width = (int)cinfo.output_width;
  *height = (int)cinfo.output_height;
  *components = cinfo.output_components;
  jpeg_destroy_decompress(&cinfo);
  *out = pixels;
  return 0;
}

int sweep_jpeg_encode(const unsigned char *pixels, int width, int height,
                      int components, int quality, int subsampling,
                      int progressive, unsigned char **out,
                      unsigned long *outsize, char *err, size_t errlen) {
  struct jpeg_compress_struct cinfo;
  struct shim_error jerr;
  *out = NULL;
  *outsize = 0;
  if (width <= 0 || height <= 0 || (components != 1 && components != 3)) {
    snprintf(err, errlen, "bad image geometry %dx%dx%d", width, height,
             components);
    return -1;
  }
  cinfo.err = &jerr.pub;
  shim_install(&jerr);
  if (setjmp(jerr.jump)) {
    shim_message((j_common_ptr)&cinfo, &jerr, err, errlen);
    jpeg_destroy_compress(&cinfo);
    free(*out);
    *out = NULL;
    return -1;
  }
  jpeg_create_compress(&cinfo);
  jpeg_mem_dest(&cinfo, out, outsize);
  cinfo.image_width = (JDIMENSION)width;
  cinfo.image_height = (JDIMENSION)height;
  cinfo.input_components = components;
  cinfo.in_color_space = components == 1 ? JCS_GRAYSCALE : JCS_RGB;
  jpeg_set_defaults(&cinfo);
  jpeg_set_quality(&cinfo, quality, TRUE);
  if (components == 3) {
    int h = subsampling == 444 ? 1 : 2;
    int v = subsampling == 420 ? 2 : 1;
    cinfo.comp_info[0].h_samp_factor = h;
    cinfo.comp_info[0].v_samp_factor = v;
  }
  if (progressive) jpeg_simple_progression(&cinfo);
  jpeg_start_compress(&cinfo, TRUE);
  size_t stride = (size_t)width * components;
  while (cinfo.next_scanline < cinfo.image_height) {
    JSAMPROW row = (JSAMPROW)(pixels + stride * cinfo.next_scanline);
    jpeg_write_scanlines(&cinfo, &row, 1);
  }
  jpeg_finish_compress(&cinfo);
  jpeg_destroy_compress(&cinfo);
  return 0;
}

void sweep_jpeg_free(void *p) { free(p); }
