// libvips: start-up, probe, one-decode renditions, encoders, checks.
#include "CCupolaShim.h"
#include <malloc.h>
#include <math.h>
#include <string.h>
#include <vips/vector.h>

/* Sets up one operation class and keeps it: see cupola_vips_start. */
static void *cupola_vips_class_ref(GType type, void *unused) {
    (void) unused;
    g_type_class_ref(type);
    return NULL;
}

int cupola_vips_start(const char *argv0, int concurrency) {
    if (VIPS_INIT(argv0))
        return -1;
    // Every operation class is set up now, on this one thread, rather than on first use by
    // whichever workers get there together: with many pipelines in one process a libvips object
    // was once freed against an argument table it did not match ("vips_object_free_argument:
    // assertion failed"), and first use is where that table is filled in. A few milliseconds.
    vips_type_map_all(g_type_from_name("VipsOperation"), cupola_vips_class_ref, NULL);
    // Only the loaders we mean to read; content sniffing would otherwise reach
    // ImageMagick, SVG, PDF and other untrusted parsers.
    vips_block_untrusted_set(TRUE);
    // Fewer malloc arenas: every libvips and Swift worker thread would otherwise get its own,
    // and their high-water marks add up in RSS.
    mallopt(M_ARENA_MAX, 2);
    vips_cache_set_max(0);
    // No liborc vector code. liborc 0.4.33 (Debian bookworm) keeps its compiled programs' memory
    // in a list that two threads compiling or freeing programs at once corrupt: the test suite's
    // rare deaths ("Known defect" in docs/DESIGN-NOTES.md) crashed twice at the same instruction,
    // a list update in the code after orc_code_allocate_codemem, and once as "double free or
    // corruption". libvips compiles a program per resize and frees it with the image, on whichever
    // worker drops it last. The plain C loops cost about a tenth of a full-size frame's time.
    vips_vector_set_enabled(FALSE);
    vips_concurrency_set(concurrency);
    return 0;
}

int cupola_vips_header(const void *buf, size_t len, VipsImage **out, const char **loader) {
    const char *name = vips_foreign_find_load_buffer(buf, len);
    if (!name)
        return -1;
    *loader = name;
    *out = vips_image_new_from_buffer(buf, len, "",
        "access", VIPS_ACCESS_SEQUENTIAL, "fail_on", VIPS_FAIL_ON_TRUNCATED, NULL);
    return *out ? 0 : -1;
}

static int cupola_fit_scale(VipsImage *in, int target, double *scale) {
    int long_edge = VIPS_MAX(in->Xsize, in->Ysize);
    *scale = long_edge > target ? (double) target / long_edge : 1.0;
    return *scale < 1.0;
}

/* A box average by an integer factor over 8-bit pixels already in memory. libvips' own shrink
 * costs ~25 ms for 2048 -> 1024 through its pipeline; this loop costs ~2 ms, and these are the
 * steps from one rendition to the next. Edges average what there is (sizes round like libvips'
 * thumbnail: 1365 / 2 -> 683). */
static int cupola_box_shrink(VipsImage *in, int factor, VipsImage **out) {
    if (in->BandFmt != VIPS_FORMAT_UCHAR || in->Coding != VIPS_CODING_NONE || !in->data)
        return vips_shrink(in, out, factor, factor, NULL);
    int bands = in->Bands, width = in->Xsize, height = in->Ysize;
    int out_width = VIPS_MAX(1, (width + factor / 2) / factor);
    int out_height = VIPS_MAX(1, (height + factor / 2) / factor);
    size_t size = (size_t) out_width * out_height * bands;
    unsigned char *pixels = g_try_malloc(size);
    if (!pixels) {
        vips_error("cupola", "out of memory");
        return -1;
    }
    size_t stride = VIPS_IMAGE_SIZEOF_LINE(in);
    for (int y = 0; y < out_height; y++) {
        int y0 = y * factor, y1 = VIPS_MIN(height, y0 + factor);
        for (int x = 0; x < out_width; x++) {
            int x0 = x * factor, x1 = VIPS_MIN(width, x0 + factor);
            int count = (y1 - y0) * (x1 - x0);
            for (int b = 0; b < bands; b++) {
                unsigned sum = 0;
                for (int sy = y0; sy < y1; sy++) {
                    const unsigned char *row = (const unsigned char *) in->data + sy * stride;
                    for (int sx = x0; sx < x1; sx++)
                        sum += row[sx * bands + b];
                }
                pixels[((size_t) y * out_width + x) * bands + b] = (sum + count / 2) / count;
            }
        }
    }
    *out = vips_image_new_from_memory_copy(pixels, size, out_width, out_height, bands, VIPS_FORMAT_UCHAR);
    g_free(pixels);
    if (!*out)
        return -1;
    (*out)->Type = in->Type;
    return 0;
}

int cupola_vips_resize_fit(VipsImage *in, int target, VipsImage **out) {
    double scale;
    if (!cupola_fit_scale(in, target, &scale)) {
        // Already small enough: the same image, without the cost of another operation.
        g_object_ref(in);
        *out = in;
        return 0;
    }
    // An exact integer reduction (2048 -> 1024 -> 256) is a box average: as sharp as Lanczos at
    // these ratios and several times cheaper.
    double factor = 1.0 / scale;
    if (fabs(factor - rint(factor)) < 1e-9)
        return cupola_box_shrink(in, (int) rint(factor), out);
    // A mild reduction (what is left after JPEG shrink-on-load) needs no more than a triangle
    // filter: it matches Lanczos3 to well under one level on average and costs a third less.
    // Larger reductions (PNG, TIFF, no shrink-on-load) keep Lanczos3 against aliasing.
    VipsKernel kernel = scale >= 0.5 ? VIPS_KERNEL_LINEAR : VIPS_KERNEL_LANCZOS3;
    return vips_resize(in, out, scale, "kernel", kernel, NULL);
}

/* An embedded profile that says it is sRGB needs no transform: skipping it saves a colour
 * transform per frame for the common case (cameras and Photoshop embed the standard one). */
static int cupola_profile_is_srgb(VipsImage *in) {
    const void *data;
    size_t length;
    if (vips_image_get_blob(in, VIPS_META_ICC_NAME, &data, &length) || length < 132)
        return 0;
    const unsigned char *bytes = data;
    if (memcmp(bytes + 16, "RGB ", 4))
        return 0;
    size_t limit = length < 4096 ? length : 4096;
    for (size_t i = 128; i + 4 <= limit; i++)
        if (!memcmp(bytes + i, "sRGB", 4))
            return 1;
    return 0;
}

static int cupola_vips_opaque_to_srgb(VipsImage *in, VipsImage **out);

int cupola_vips_to_srgb(VipsImage *in, VipsImage **out) {
    if (!vips_image_hasalpha(in))
        return cupola_vips_opaque_to_srgb(in, out);
    // Renditions are JPEG or opaque WebP: transparency is laid on white, as a page shows it.
    VipsArrayDouble *white = vips_array_double_newv(1, in->BandFmt == VIPS_FORMAT_USHORT ? 65535.0 : 255.0);
    VipsImage *flat = NULL;
    int result = vips_flatten(in, &flat, "background", white, NULL);
    vips_area_unref(VIPS_AREA(white));
    if (result)
        return -1;
    result = cupola_vips_opaque_to_srgb(flat, out);
    g_object_unref(flat);
    return result;
}

static int cupola_vips_opaque_to_srgb(VipsImage *in, VipsImage **out) {
    if (vips_image_get_typeof(in, VIPS_META_ICC_NAME) && !cupola_profile_is_srgb(in))
        return vips_icc_transform(in, out, "srgb", "embedded", TRUE, "intent", VIPS_INTENT_RELATIVE, NULL);
    if (in->Type == VIPS_INTERPRETATION_CMYK)
        return vips_icc_transform(in, out, "srgb", "input_profile", "cmyk", "intent", VIPS_INTENT_RELATIVE, NULL);
    VipsInterpretation target = in->Bands < 3 ? VIPS_INTERPRETATION_B_W : VIPS_INTERPRETATION_sRGB;
    if (in->BandFmt == VIPS_FORMAT_UCHAR && vips_image_guess_interpretation(in) == target) {
        g_object_ref(in);
        *out = in;
        return 0;
    }
    VipsImage *converted = NULL;
    if (vips_colourspace(in, &converted, target, NULL))
        return -1;
    if (converted->BandFmt == VIPS_FORMAT_UCHAR) {
        *out = converted;
        return 0;
    }
    int result = vips_cast(converted, out, VIPS_FORMAT_UCHAR, NULL);
    g_object_unref(converted);
    return result;
}

int cupola_jpeg_shrink(int width, int height, int target) {
    int shrink = 1, long_edge = VIPS_MAX(width, height);
    while (shrink < 8 && long_edge / (shrink * 2) >= target)
        shrink *= 2;
    return shrink;
}

int cupola_fit_to_srgb(VipsImage *decoded, int target, VipsImage **out) {
    VipsImage *sized = NULL;
    int result = cupola_vips_resize_fit(decoded, target, &sized);
    g_object_unref(decoded);
    if (result)
        return -1;
    result = cupola_vips_to_srgb(sized, out);
    g_object_unref(sized);
    return result;
}

int cupola_vips_load_fit(VipsImage *header, const void *buf, size_t len, int is_jpeg, int target, VipsImage **out) {
    VipsImage *loaded = NULL;
    int shrink = is_jpeg ? cupola_jpeg_shrink(header->Xsize, header->Ysize, target) : 1;
    if (shrink > 1) {
        if (vips_jpegload_buffer((void *) buf, len, &loaded, "shrink", shrink,
                "access", VIPS_ACCESS_SEQUENTIAL, "fail_on", VIPS_FAIL_ON_TRUNCATED, NULL))
            return -1;
    } else {
        loaded = header;
        g_object_ref(loaded);
    }
    return cupola_fit_to_srgb(loaded, target, out);
}

int cupola_vips_autorot(VipsImage *in, VipsImage **out) {
    return vips_autorot(in, out, NULL);
}

int cupola_vips_jpegsave(VipsImage *in, int quality, void **buf, size_t *len) {
    return vips_jpegsave_buffer(in, buf, len, "Q", quality, "strip", TRUE, NULL);
}

int cupola_vips_webpsave(VipsImage *in, int quality, void **buf, size_t *len) {
    return vips_webpsave_buffer(in, buf, len, "Q", quality, "strip", TRUE, NULL);
}

int cupola_vips_jpegsave_keep(VipsImage *in, int quality, void **buf, size_t *len) {
    return vips_jpegsave_buffer(in, buf, len, "Q", quality, NULL);
}

int cupola_vips_decode_check(const void *buf, size_t len) {
    VipsImage *image = vips_image_new_from_buffer(buf, len, "", "fail_on", VIPS_FAIL_ON_TRUNCATED, NULL);
    if (!image)
        return -1;
    double mean = 0;
    int result = vips_avg(image, &mean, NULL);
    g_object_unref(image);
    return result;
}

int cupola_vips_size(const void *buf, size_t len, int *width, int *height) {
    VipsImage *image = vips_image_new_from_buffer(buf, len, "", NULL);
    if (!image)
        return -1;
    *width = image->Xsize;
    *height = image->Ysize;
    g_object_unref(image);
    return 0;
}
