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

/// Opens only the header of an in-memory image (no pixels are decoded yet; the image decodes
/// lazily, sequentially, failing on truncated data). `loader` receives libvips' loader class
/// name, for example "VipsForeignLoadJpegBuffer". The buffer must outlive the image.
int cupola_vips_header(const void *buf, size_t len, VipsImage **out, const char **loader);

/// The lazy decode of one frame to fit inside a `target` square, never enlarging: JPEG
/// shrink-on-load to the smallest power of two that still covers the target, then a Lanczos
/// resize, then sRGB. `header` is the image from cupola_vips_header on the same buffer; it is
/// reused as is when no shrink-on-load applies. Orientation is applied later, in memory.
int cupola_vips_load_fit(VipsImage *header, const void *buf, size_t len, int is_jpeg, int target, VipsImage **out);

/// The JPEG shrink-on-load factor (1, 2, 4 or 8) for a `target` square: the largest that still
/// decodes at least the target's size.
int cupola_jpeg_shrink(int width, int height, int target);

/// The libjpeg functions below fail with -1, or with these; on failure cupola_jpeg_error() gives
/// libjpeg's reason on the calling thread (empty when a libvips step failed: its error buffer
/// says why). libvips' buffer is shared by all threads, so it is not used for libjpeg's reasons.
#define CUPOLA_JPEG_NOT_PLAIN 1
#define CUPOLA_JPEG_TIMED_OUT (-2)
#define CUPOLA_JPEG_TRUNCATED (-3)
/// libjpeg found damaged scan data (extraneous bytes, a bad Huffman code, a lost restart marker).
#define CUPOLA_JPEG_CORRUPT (-4)
const char *cupola_jpeg_error(void);

/// What a JPEG header says, read with libjpeg. `plain` is 1 for 8-bit grey or colour, which
/// cupola_jpeg_load_fit decodes itself; 0 (CMYK, YCCK, 12-bit) means decoding through libvips.
/// `exif` is the first EXIF APP1 segment or NULL; the caller frees it with g_free.
typedef struct {
    int width, height, plain;
    unsigned char *exif;
    size_t exif_length;
} CupolaJpegInfo;
int cupola_jpeg_info(const void *buf, size_t len, CupolaJpegInfo *info);

/// cupola_vips_load_fit for a plain JPEG, decoded by libjpeg straight into memory with the DCT
/// scaling libvips would use (same pixels, without libvips' fixed cost per operation). Gives up
/// after `seconds`; does not decode a JPEG that is not plain.
int cupola_jpeg_load_fit(const void *buf, size_t len, int width, int height, int target, double seconds, VipsImage **out);

/// Encodes like cupola_vips_jpegsave (no metadata, libvips' chroma subsampling rule), through
/// libjpeg directly when the image is 8-bit grey or RGB in memory.
int cupola_jpeg_save(VipsImage *in, int quality, void **buf, size_t *len);

/// The common end of both decodes: resizes to fit a `target` square (never enlarging), then to
/// 8-bit sRGB. Takes over the caller's reference to `decoded`.
int cupola_fit_to_srgb(VipsImage *decoded, int target, VipsImage **out);

/// Turns an image upright by its EXIF orientation tag (and drops the tag).
int cupola_vips_autorot(VipsImage *in, VipsImage **out);

/// Resizes to fit inside a `target` square, never enlarging.
int cupola_vips_resize_fit(VipsImage *in, int target, VipsImage **out);

/// Converts to 8-bit sRGB (or grey) ready for a JPEG/WebP encoder: through the embedded ICC
/// profile when there is one that is not already sRGB, else by interpretation.
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

/// Decodes every pixel of an encoded image, failing on truncated or corrupt data
/// (`cupola verify --deep`).
int cupola_vips_decode_check(const void *buf, size_t len);

/// Width and height of an encoded image, read from its header.
int cupola_vips_size(const void *buf, size_t len, int *width, int *height);

/// Encodes a synthetic image in the format a file suffix names (".png", ".tif", ".webp",
/// ".heic"), with an alpha band or at 16 bits per sample when asked (fixtures only).
int cupola_fixture_encode(VipsImage *in, const char *suffix, int alpha, int sixteen_bits, void **buf, size_t *len);

/// Encodes a synthetic sRGB image as a JPEG in another colour space: "grey" (one band), "cmyk"
/// or "p3" (converted with libvips' built-in profile, which is embedded) (fixtures only).
int cupola_fixture_jpeg_in(VipsImage *in, const char *space, void **buf, size_t *len);

/// Attaches an EXIF block and orientation to an image before saving, for samples and fixtures.
int cupola_vips_set_exif(VipsImage *image, const unsigned char *exif, size_t len, int orientation);

/// Encodes with its metadata kept (used to write samples that carry EXIF).
int cupola_vips_jpegsave_keep(VipsImage *in, int quality, void **buf, size_t *len);

/// Makes a crash (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP) create the file at `path`
/// before the process dies, so the next run can tell a crash in a C library from a kill from
/// outside (SIGKILL cannot be caught and leaves no marker). The signal then goes on to the handler
/// installed before (the Swift runtime's backtracer prints where it happened). Signal handlers
/// must be C.
int cupola_install_crash_marker(const char *path);
/// Dies of SIGSEGV by writing through a bad address: the crash-recovery tests' stand-in for a
/// broken decoder (`CUPOLA_CRASH_DRILL`).
void cupola_crash_drill(void);

/// Gives memory freed by the process back to the system (glibc's malloc_trim, not visible to Swift).
void cupola_release_free_memory(void);

/// glibc's limit on malloc arenas (M_ARENA_MAX).
void cupola_limit_malloc_arenas(int arenas);

/// The content of one IFD of an EXIF block (ExifData.ifd is a C array).
ExifContent *cupola_exif_ifd(ExifData *data, int ifd);

/// Parses an EXIF block read-only: no tag is added, fixed or dropped on load.
ExifData *cupola_exif_parse(const unsigned char *buf, unsigned int len);

/// Builders for EXIF blocks (samples and fixtures only).
int cupola_exif_set_ascii(ExifData *data, int ifd, int tag, const char *value);
int cupola_exif_set_short(ExifData *data, int ifd, int tag, unsigned short value);
int cupola_exif_set_rationals(ExifData *data, int ifd, int tag, const unsigned int *pairs, int count);
int cupola_exif_save(ExifData *data, unsigned char **buf, unsigned int *len);


// LibRaw (craw.c). Failures return -1 (or CUPOLA_RAW_TIMED_OUT) and cupola_raw_error() gives
// LibRaw's reason on the calling thread.

/// What LibRaw's header parse says about a raw file. `orientation` is LibRaw's flip as an EXIF
/// orientation (1-8); the preview size is 0 when there is no embedded preview (its format is
/// known only once it is unpacked). The sensor size is what LibRaw allocates for the raw data
/// (margins included), which a hostile header can make far larger than the picture.
typedef struct {
    int width, height, orientation, dng;
    int sensor_width, sensor_height;
    int preview_width, preview_height;
    char make[64], model[64];
    /* LibRaw's own reading of the capture, for raws whose EXIF libexif cannot reach (ORF, RW2,
       RAF, CR3): 0 or empty where LibRaw found nothing. `taken` is the camera's local time as
       "YYYY:MM:DD HH:MM:SS" (LibRaw keeps neither sub-seconds nor the offset). */
    char serial[64], lens[128], taken[20];
    double focal_length, f_number, exposure_time, iso;
    int has_gps;
    double latitude, longitude, altitude;
} CupolaRawInfo;
int cupola_raw_identify(const void *buf, size_t len, CupolaRawInfo *info);

/// The largest embedded JPEG preview, copied into a g_malloc'd buffer; CUPOLA_RAW_NO_JPEG_PREVIEW
/// when the preview turns out to be a bitmap (or another format).
#define CUPOLA_RAW_NO_JPEG_PREVIEW 1
int cupola_raw_preview(const void *buf, size_t len, void **jpeg, size_t *jpeg_len);

/// Demosaics the raw data (half size when `half`) into 8-bit sRGB in memory, in the stored
/// orientation; gives up after `seconds`, between LibRaw's stages and inside them.
#define CUPOLA_RAW_TIMED_OUT (-2)
/// The raw data is cut short or damaged (cupola_raw_error() says which, and where).
#define CUPOLA_RAW_DAMAGED (-3)
int cupola_raw_decode(const void *buf, size_t len, int half, double seconds, VipsImage **out);
const char *cupola_raw_error(void);

#endif
