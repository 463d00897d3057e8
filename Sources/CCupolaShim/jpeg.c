// JPEG straight through libjpeg(-turbo), the library libvips itself decodes and encodes JPEG with.
// libvips' fixed cost per operation (object set-up, EXIF parsing into metadata strings, thread-pool
// hand-offs) is about 1 ms a frame whatever its size: negligible for a 20-megapixel frame, ten times
// the codec's own work for a 160-pixel one. Geometry and colour stay with libvips; these functions
// only move pixels between JPEG bytes and a libvips image in memory, with the same libjpeg settings
// libvips would use, so the pixels and bytes match its own.
#include "CCupolaShim.h"
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <jpeglib.h>
#include <jerror.h>

typedef struct {
    struct jpeg_error_mgr manager;
    jmp_buf escape;
} CupolaJpegErrors;

/* libjpeg's reason for the last failure on this thread. libvips' error buffer is one for the
 * whole process: with two workers failing at once, one read the other's reason (or none). */
static _Thread_local char last_error[JMSG_LENGTH_MAX];
static _Thread_local int last_failure;

const char *cupola_jpeg_error(void) {
    return last_error;
}

static int cupola_jpeg_failure(void) {
    return last_failure ? last_failure : -1;
}

static void cupola_jpeg_fail(j_common_ptr cinfo) {
    (*cinfo->err->format_message)(cinfo, last_error);
    longjmp(((CupolaJpegErrors *) cinfo->err)->escape, 1);
}

/* libjpeg reports damaged or missing scan data as warnings and carries on, filling what it could
 * not decode with grey: a file cut short, or a 640x426 frame whose SOF claims 12000x12000, became
 * a "good" frame with a grey rendition. These warnings fail the decode, as libvips' fail_on counts
 * them; those about metadata or the application (an unknown Adobe transform, a bad ICC marker,
 * which loses only the profile, JFIF versions) do not, as with libvips' fail_on=truncated.
 * Data that runs out — the end of the file, or a marker such as EOI in the middle of a scan
 * ("premature end of data segment") — is truncation; the rest is corruption. */
static int cupola_jpeg_warning_failure(int code) {
    switch (code) {
    case JWRN_JPEG_EOF:
    case JWRN_HIT_MARKER:
        return CUPOLA_JPEG_TRUNCATED;
    case JWRN_EXTRANEOUS_DATA:
    case JWRN_MUST_RESYNC:
    case JWRN_HUFF_BAD_CODE:
    case JWRN_ARITH_BAD_CODE:
    case JWRN_NOT_SEQUENTIAL:
    case JWRN_BOGUS_PROGRESSION:
        return CUPOLA_JPEG_CORRUPT;
    default:
        return 0;
    }
}

static void cupola_jpeg_message(j_common_ptr cinfo, int level) {
    if (level != -1)
        return;
    int failure = cupola_jpeg_warning_failure(cinfo->err->msg_code);
    if (failure) {
        last_failure = failure;
        cupola_jpeg_fail(cinfo);
    }
}

static void cupola_jpeg_clear_error(void) {
    last_error[0] = 0;
    last_failure = 0;
}

static void cupola_jpeg_errors(CupolaJpegErrors *errors) {
    cupola_jpeg_clear_error();
    jpeg_std_error(&errors->manager);
    errors->manager.error_exit = cupola_jpeg_fail;
    errors->manager.emit_message = cupola_jpeg_message;
}

static int cupola_jpeg_is_plain(j_decompress_ptr cinfo) {
    if (cinfo->data_precision != 8)
        return 0;
    switch (cinfo->jpeg_color_space) {
    case JCS_GRAYSCALE: return cinfo->num_components == 1;
    case JCS_YCbCr:
    case JCS_RGB: return cinfo->num_components == 3;
    default: return 0; // CMYK and YCCK (Adobe inversion, CMYK profiles) go through libvips
    }
}

static const unsigned char exif_signature[6] = {'E', 'x', 'i', 'f', 0, 0};

int cupola_jpeg_info(const void *buf, size_t len, CupolaJpegInfo *info) {
    struct jpeg_decompress_struct cinfo;
    CupolaJpegErrors errors;
    memset(info, 0, sizeof *info);
    cinfo.err = &errors.manager;
    cupola_jpeg_errors(&errors);
    jpeg_create_decompress(&cinfo);
    if (setjmp(errors.escape)) {
        g_free(info->exif);
        info->exif = NULL;
        jpeg_destroy_decompress(&cinfo);
        return cupola_jpeg_failure();
    }
    jpeg_mem_src(&cinfo, buf, len);
    jpeg_save_markers(&cinfo, JPEG_APP0 + 1, 0xFFFF);
    jpeg_read_header(&cinfo, TRUE);
    info->width = cinfo.image_width;
    info->height = cinfo.image_height;
    info->plain = cupola_jpeg_is_plain(&cinfo);
    // The first APP1 that is EXIF, whole (with its "Exif\0\0" signature), as libvips keeps it.
    for (jpeg_saved_marker_ptr marker = cinfo.marker_list; marker; marker = marker->next) {
        if (marker->data_length > sizeof exif_signature && !memcmp(marker->data, exif_signature, sizeof exif_signature)) {
            info->exif = g_memdup2(marker->data, marker->data_length);
            info->exif_length = marker->data_length;
            break;
        }
    }
    jpeg_destroy_decompress(&cinfo);
    return 0;
}

static double cupola_monotonic_seconds(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return now.tv_sec + now.tv_nsec / 1e9;
}

/* Decodes with DCT scaling to 1/shrink into a new image in memory. Returns 1 without decoding when
 * the file is not plain 8-bit grey or colour. */
static int cupola_jpeg_decode(const void *buf, size_t len, int shrink, double seconds, VipsImage **out) {
    struct jpeg_decompress_struct cinfo;
    CupolaJpegErrors errors;
    VipsImage *volatile image = NULL;
    JOCTET *volatile icc = NULL;
    cinfo.err = &errors.manager;
    cupola_jpeg_errors(&errors);
    jpeg_create_decompress(&cinfo);
    if (setjmp(errors.escape)) {
        jpeg_destroy_decompress(&cinfo);
        if (image)
            g_object_unref(image);
        free(icc);
        return cupola_jpeg_failure();
    }
    jpeg_mem_src(&cinfo, buf, len);
    jpeg_save_markers(&cinfo, JPEG_APP0 + 2, 0xFFFF);
    jpeg_read_header(&cinfo, TRUE);
    if (!cupola_jpeg_is_plain(&cinfo)) {
        jpeg_destroy_decompress(&cinfo);
        return CUPOLA_JPEG_NOT_PLAIN;
    }
    cinfo.scale_num = 1;
    cinfo.scale_denom = shrink;
    cinfo.out_color_space = cinfo.num_components == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_start_decompress(&cinfo);
    int bands = cinfo.output_components;
    image = vips_image_new_memory();
    vips_image_init_fields(image, cinfo.output_width, cinfo.output_height, bands, VIPS_FORMAT_UCHAR,
        VIPS_CODING_NONE, bands == 1 ? VIPS_INTERPRETATION_B_W : VIPS_INTERPRETATION_sRGB, 1.0, 1.0);
    if (vips_image_write_prepare(image)) {
        g_strlcpy(last_error, "out of memory", sizeof last_error);
        longjmp(errors.escape, 1);
    }
    JOCTET *profile = NULL;
    unsigned int profile_length = 0;
    if (jpeg_read_icc_profile(&cinfo, &profile, &profile_length)) {
        icc = profile;
        vips_image_set_blob_copy(image, VIPS_META_ICC_NAME, profile, profile_length);
    }
    double deadline = cupola_monotonic_seconds() + seconds;
    while (cinfo.output_scanline < cinfo.output_height) {
        JSAMPROW rows[16];
        int count = VIPS_MIN(16, (int) (cinfo.output_height - cinfo.output_scanline));
        for (int i = 0; i < count; i++)
            rows[i] = VIPS_IMAGE_ADDR(image, 0, cinfo.output_scanline + i);
        int read = 0;
        while (read < count)
            read += jpeg_read_scanlines(&cinfo, rows + read, count - read);
        if (cupola_monotonic_seconds() > deadline) {
            jpeg_destroy_decompress(&cinfo);
            g_object_unref(image);
            free(icc);
            return CUPOLA_JPEG_TIMED_OUT;
        }
    }
    jpeg_finish_decompress(&cinfo);
    jpeg_destroy_decompress(&cinfo);
    free(icc);
    *out = image;
    return 0;
}

int cupola_jpeg_load_fit(const void *buf, size_t len, int width, int height, int target, double seconds, VipsImage **out) {
    int shrink = cupola_jpeg_shrink(width, height, target);
    VipsImage *decoded = NULL;
    int result = cupola_jpeg_decode(buf, len, shrink, seconds, &decoded);
    if (result)
        return result;
    return cupola_fit_to_srgb(decoded, target, out);
}

int cupola_jpeg_save(VipsImage *in, int quality, void **buf, size_t *len) {
    cupola_jpeg_clear_error();
    int bands = in->Bands;
    if (in->BandFmt != VIPS_FORMAT_UCHAR || in->Coding != VIPS_CODING_NONE || !in->data || (bands != 1 && bands != 3))
        return cupola_vips_jpegsave(in, quality, buf, len);
    struct jpeg_compress_struct cinfo;
    CupolaJpegErrors errors;
    // libjpeg updates these through their addresses as the output grows, so they live in memory
    // and are current after an error's longjmp; the buffer is ours to free either way.
    unsigned char *encoded = NULL;
    unsigned long encoded_length = 0;
    cinfo.err = &errors.manager;
    cupola_jpeg_errors(&errors);
    jpeg_create_compress(&cinfo);
    if (setjmp(errors.escape)) {
        jpeg_destroy_compress(&cinfo);
        free(encoded);
        return -1;
    }
    jpeg_mem_dest(&cinfo, &encoded, &encoded_length);
    cinfo.image_width = in->Xsize;
    cinfo.image_height = in->Ysize;
    cinfo.input_components = bands;
    cinfo.in_color_space = bands == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_set_defaults(&cinfo);
    jpeg_set_quality(&cinfo, quality, TRUE);
    // libvips' default: chroma at full resolution from quality 90 up, halved both ways below.
    if (bands == 3 && quality >= 90)
        for (int i = 0; i < 3; i++)
            cinfo.comp_info[i].h_samp_factor = cinfo.comp_info[i].v_samp_factor = 1;
    jpeg_start_compress(&cinfo, TRUE);
    while (cinfo.next_scanline < cinfo.image_height) {
        JSAMPROW row = VIPS_IMAGE_ADDR(in, 0, cinfo.next_scanline);
        jpeg_write_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_compress(&cinfo);
    jpeg_destroy_compress(&cinfo);
    *buf = g_memdup2(encoded, encoded_length);
    *len = encoded_length;
    free(encoded);
    return 0;
}
