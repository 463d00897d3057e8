// Fixed-arity wrappers for the libvips and libexif calls Swift cannot make itself:
// libvips' optional arguments are C varargs, and several libexif accessors are macros or
// reach into fixed-size arrays. Every function returns 0 on success and -1 on failure,
// with results in out-parameters; on failure the libvips error buffer says why.
#ifndef CCUPOLA_SHIM_H
#define CCUPOLA_SHIM_H

#include <stddef.h>
#include <vips/vips.h>
#include <libexif/exif-data.h>

/// Process-wide libvips start-up: VIPS_INIT is a macro; also blocks untrusted loaders,
/// turns the operation cache off and sets libvips' own thread pool size.
int cupola_vips_start(const char *argv0, int concurrency);

/// Opens only the header of an in-memory image (no pixels are decoded).
/// `loader` receives libvips' loader nickname, for example "jpegload_buffer".
int cupola_vips_header(const void *buf, size_t len, VipsImage **out, const char **loader);

/// Shrink-on-load decode to fit inside width x height, never enlarging,
/// rotated upright, colour-managed to sRGB, failing on truncated or broken data.
int cupola_vips_thumbnail_buffer(const void *buf, size_t len, int width, int height, VipsImage **out);

/// Resize an already-decoded image to fit inside width x height, never enlarging.
int cupola_vips_thumbnail_image(VipsImage *in, int width, int height, VipsImage **out);

/// Converts to 8-bit sRGB (or grey) ready for a JPEG/WebP encoder.
int cupola_vips_to_srgb(VipsImage *in, VipsImage **out);

/// Encodes without any metadata; the caller frees *buf with g_free.
int cupola_vips_jpegsave(VipsImage *in, int quality, void **buf, size_t *len);
int cupola_vips_webpsave(VipsImage *in, int quality, void **buf, size_t *len);

/// Builds a synthetic test image (a gradient with a marker in one corner) of the given size.
int cupola_vips_synthesise(int width, int height, VipsImage **out);

/// Stores an upright image the way a camera with the given EXIF orientation would have
/// (the inverse of what a viewer applies), for orientation fixtures.
int cupola_fixture_store_oriented(VipsImage *upright, int orientation, VipsImage **out);

/// Mean absolute difference of two encoded images of the same size, on 0..255 per band
/// (tests and the benchmark compare renditions with this).
/// `orientation` first transforms image a as a camera with that EXIF orientation would store it
/// (1 leaves it alone), so tests can measure how far a wrong orientation would be.
int cupola_vips_mean_abs_difference(const void *a, size_t a_len, const void *b, size_t b_len, int orientation, double *out);

/// Width and height of an encoded image, read from its header.
int cupola_vips_size(const void *buf, size_t len, int *width, int *height);

/// Attaches an EXIF block and orientation to an image before saving, for samples and fixtures.
int cupola_vips_set_exif(VipsImage *image, const unsigned char *exif, size_t len, int orientation);

/// Encodes with its metadata kept (used to write samples that carry EXIF).
int cupola_vips_jpegsave_keep(VipsImage *in, int quality, void **buf, size_t *len);

/// Makes a crash (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP) create the file at `path`
/// before the process dies, so the next run can tell a crash in a C library from a kill from
/// outside (SIGKILL cannot be caught and leaves no marker). Signal handlers must be C.
int cupola_install_crash_marker(const char *path);

/// The content of one IFD of an EXIF block (ExifData.ifd is a C array).
ExifContent *cupola_exif_ifd(ExifData *data, int ifd);

/// Parses an EXIF block read-only: no tag is added, fixed or dropped on load.
ExifData *cupola_exif_parse(const unsigned char *buf, unsigned int len);

/// Builders for EXIF blocks (samples and fixtures only).
int cupola_exif_set_ascii(ExifData *data, int ifd, int tag, const char *value);
int cupola_exif_set_short(ExifData *data, int ifd, int tag, unsigned short value);
int cupola_exif_set_rationals(ExifData *data, int ifd, int tag, const unsigned int *pairs, int count);
int cupola_exif_save(ExifData *data, unsigned char **buf, unsigned int *len);

#endif
