#include "CCupolaShim.h"
#include <string.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>
#include <stdlib.h>
#include <malloc.h>
#include <math.h>
#include <libexif/exif-utils.h>

int cupola_vips_start(const char *argv0, int concurrency) {
    if (VIPS_INIT(argv0))
        return -1;
    // Only the loaders we mean to read; content sniffing would otherwise reach
    // ImageMagick, SVG, PDF and other untrusted parsers.
    vips_block_untrusted_set(TRUE);
    // Fewer malloc arenas: every libvips and Swift worker thread would otherwise get its own,
    // and their high-water marks add up in RSS.
    mallopt(M_ARENA_MAX, 2);
    vips_cache_set_max(0);
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

int cupola_vips_to_srgb(VipsImage *in, VipsImage **out) {
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

int cupola_vips_load_fit(VipsImage *header, const void *buf, size_t len, int is_jpeg, int target, VipsImage **out) {
    VipsImage *loaded = NULL, *sized = NULL;
    int shrink = 1;
    int long_edge = VIPS_MAX(header->Xsize, header->Ysize);
    while (is_jpeg && shrink < 8 && long_edge / (shrink * 2) >= target)
        shrink *= 2;
    if (shrink > 1) {
        if (vips_jpegload_buffer((void *) buf, len, &loaded, "shrink", shrink,
                "access", VIPS_ACCESS_SEQUENTIAL, "fail_on", VIPS_FAIL_ON_TRUNCATED, NULL))
            return -1;
    } else {
        loaded = header;
        g_object_ref(loaded);
    }
    int result = cupola_vips_resize_fit(loaded, target, &sized);
    g_object_unref(loaded);
    if (result)
        return -1;
    result = cupola_vips_to_srgb(sized, out);
    g_object_unref(sized);
    return result;
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

int cupola_vips_synthesise(int width, int height, VipsImage **out) {
    VipsImage *x = NULL, *y = NULL, *sum = NULL, *bands = NULL, *marked = NULL;
    VipsImage *parts[3];
    int result = -1;
    if (vips_xyz(&x, width, height, NULL))
        goto done;
    // Three bands from the coordinates: a colour gradient that shows any flip or rotation.
    if (vips_extract_band(x, &parts[0], 0, NULL))
        goto done;
    if (vips_extract_band(x, &parts[1], 1, NULL)) {
        g_object_unref(parts[0]);
        goto done;
    }
    if (vips_add(parts[0], parts[1], &parts[2], NULL)) {
        g_object_unref(parts[0]);
        g_object_unref(parts[1]);
        goto done;
    }
    result = vips_bandjoin(parts, &bands, 3, NULL);
    for (int i = 0; i < 3; i++)
        g_object_unref(parts[i]);
    if (result)
        goto done;
    result = -1;
    double scale[3] = {255.0 / width, 255.0 / height, 255.0 / (width + height)};
    double offset[3] = {0, 0, 0};
    if (vips_linear(bands, &sum, scale, offset, 3, NULL))
        goto done;
    // A white block in the top-left corner marks which way is up. Cast first: the canvas is
    // drawn on in memory, one byte per sample.
    double white[3] = {255, 255, 255};
    VipsImage *bytes = NULL;
    if (vips_cast(sum, &bytes, VIPS_FORMAT_UCHAR, NULL))
        goto done;
    marked = vips_image_copy_memory(bytes);
    g_object_unref(bytes);
    if (!marked)
        goto done;
    if (vips_draw_rect(marked, white, 3, 0, 0, width / 4, height / 4, "fill", TRUE, NULL)) {
        g_object_unref(marked);
        goto done;
    }
    marked->Type = VIPS_INTERPRETATION_sRGB;
    *out = marked;
    result = 0;
done:
    if (x) g_object_unref(x);
    if (bands) g_object_unref(bands);
    if (sum) g_object_unref(sum);
    return result;
}

int cupola_vips_set_exif(VipsImage *image, const unsigned char *exif, size_t len, int orientation) {
    if (exif && len > 0)
        vips_image_set_blob_copy(image, VIPS_META_EXIF_NAME, exif, len);
    if (orientation > 0)
        vips_image_set_int(image, VIPS_META_ORIENTATION, orientation);
    return 0;
}

ExifContent *cupola_exif_ifd(ExifData *data, int ifd) {
    if (!data || ifd < 0 || ifd >= EXIF_IFD_COUNT)
        return NULL;
    return data->ifd[ifd];
}

ExifData *cupola_exif_parse(const unsigned char *buf, unsigned int len) {
    ExifData *data = exif_data_new();
    if (!data)
        return NULL;
    // The defaults add mandatory tags, rewrite values and drop tags libexif does not know:
    // a reader must see the block as the camera wrote it.
    exif_data_unset_option(data, EXIF_DATA_OPTION_IGNORE_UNKNOWN_TAGS);
    exif_data_unset_option(data, EXIF_DATA_OPTION_FOLLOW_SPECIFICATION);
    exif_data_set_option(data, EXIF_DATA_OPTION_DONT_CHANGE_MAKER_NOTE);
    exif_data_load_data(data, buf, len);
    return data;
}

static ExifEntry *cupola_exif_new_entry(ExifData *data, int ifd, int tag, ExifFormat format, unsigned long components) {
    ExifContent *content = cupola_exif_ifd(data, ifd);
    if (!content)
        return NULL;
    ExifEntry *old = exif_content_get_entry(content, (ExifTag) tag);
    if (old)
        exif_content_remove_entry(content, old);
    ExifEntry *entry = exif_entry_new();
    if (!entry)
        return NULL;
    entry->tag = (ExifTag) tag;
    entry->format = format;
    entry->components = components;
    entry->size = exif_format_get_size(format) * components;
    entry->data = calloc(1, entry->size ? entry->size : 1);
    if (!entry->data) {
        exif_entry_unref(entry);
        return NULL;
    }
    exif_content_add_entry(content, entry);
    exif_entry_unref(entry);
    return entry;
}

int cupola_exif_set_ascii(ExifData *data, int ifd, int tag, const char *value) {
    size_t n = strlen(value) + 1;
    ExifEntry *entry = cupola_exif_new_entry(data, ifd, tag, EXIF_FORMAT_ASCII, n);
    if (!entry)
        return -1;
    memcpy(entry->data, value, n);
    return 0;
}

int cupola_exif_set_short(ExifData *data, int ifd, int tag, unsigned short value) {
    ExifEntry *entry = cupola_exif_new_entry(data, ifd, tag, EXIF_FORMAT_SHORT, 1);
    if (!entry)
        return -1;
    exif_set_short(entry->data, exif_data_get_byte_order(data), value);
    return 0;
}

int cupola_exif_set_rationals(ExifData *data, int ifd, int tag, const unsigned int *pairs, int count) {
    ExifEntry *entry = cupola_exif_new_entry(data, ifd, tag, EXIF_FORMAT_RATIONAL, count);
    if (!entry)
        return -1;
    for (int i = 0; i < count; i++) {
        ExifRational r = {pairs[2 * i], pairs[2 * i + 1]};
        exif_set_rational(entry->data + 8 * i, exif_data_get_byte_order(data), r);
    }
    return 0;
}

int cupola_exif_save(ExifData *data, unsigned char **buf, unsigned int *len) {
    exif_data_save_data(data, buf, len);
    return *buf ? 0 : -1;
}

int cupola_fixture_store_oriented(VipsImage *upright, int orientation, VipsImage **out) {
    // A viewer applies: 2 flip-h, 3 rot180, 4 flip-v, 5 transpose, 6 rot90 cw, 7 transverse,
    // 8 rot270 cw. Storing applies the inverse of each.
    VipsImage *step = NULL;
    int result;
    switch (orientation) {
    case 2: return vips_flip(upright, out, VIPS_DIRECTION_HORIZONTAL, NULL);
    case 3: return vips_rot(upright, out, VIPS_ANGLE_D180, NULL);
    case 4: return vips_flip(upright, out, VIPS_DIRECTION_VERTICAL, NULL);
    case 5:
        if (vips_rot(upright, &step, VIPS_ANGLE_D90, NULL))
            return -1;
        result = vips_flip(step, out, VIPS_DIRECTION_HORIZONTAL, NULL);
        g_object_unref(step);
        return result;
    case 6: return vips_rot(upright, out, VIPS_ANGLE_D270, NULL);
    case 7:
        if (vips_rot(upright, &step, VIPS_ANGLE_D270, NULL))
            return -1;
        result = vips_flip(step, out, VIPS_DIRECTION_HORIZONTAL, NULL);
        g_object_unref(step);
        return result;
    case 8: return vips_rot(upright, out, VIPS_ANGLE_D90, NULL);
    default: return vips_copy(upright, out, NULL);
    }
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

int cupola_vips_mean_abs_difference(const void *a, size_t a_len, const void *b, size_t b_len, int orientation, double *out) {
    VipsImage *decoded = vips_image_new_from_buffer(a, a_len, "", NULL);
    VipsImage *left = NULL;
    if (decoded) {
        if (cupola_fixture_store_oriented(decoded, orientation, &left))
            left = NULL;
        g_object_unref(decoded);
    }
    VipsImage *right = vips_image_new_from_buffer(b, b_len, "", NULL);
    VipsImage *difference = NULL, *magnitude = NULL;
    int result = -1;
    if (!left || !right || left->Xsize != right->Xsize || left->Ysize != right->Ysize)
        goto done;
    if (vips_subtract(left, right, &difference, NULL) || vips_abs(difference, &magnitude, NULL))
        goto done;
    result = vips_avg(magnitude, out, NULL);
done:
    if (left) g_object_unref(left);
    if (right) g_object_unref(right);
    if (difference) g_object_unref(difference);
    if (magnitude) g_object_unref(magnitude);
    return result;
}

static char *cupola_crash_marker_path = NULL;

static void cupola_crash_handler(int signal_number) {
    // Only async-signal-safe calls here: open, close, raise.
    if (cupola_crash_marker_path) {
        int fd = open(cupola_crash_marker_path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
        if (fd >= 0)
            close(fd);
    }
    raise(signal_number);
}

int cupola_install_crash_marker(const char *path) {
    char *copy = strdup(path);
    if (!copy)
        return -1;
    free(cupola_crash_marker_path);
    cupola_crash_marker_path = copy;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = cupola_crash_handler;
    // One shot: the default action is back in place when the handler re-raises.
    action.sa_flags = SA_RESETHAND | SA_NODEFER;
    sigemptyset(&action.sa_mask);
    int signals[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP};
    for (size_t i = 0; i < sizeof signals / sizeof signals[0]; i++)
        if (sigaction(signals[i], &action, NULL))
            return -1;
    return 0;
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

void cupola_release_free_memory(void) {
    malloc_trim(0);
}
