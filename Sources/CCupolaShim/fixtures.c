// Synthetic images and pixel comparisons, for Samples/, the tests and the benchmark.
#include "CCupolaShim.h"
#include <string.h>

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

int cupola_fixture_encode(VipsImage *in, const char *suffix, int alpha, int sixteen_bits, void **buf, size_t *len) {
    VipsImage *image = in, *next = NULL;
    g_object_ref(image);
    if (alpha) {
        // Transparent on the left, opaque on the right.
        VipsImage *x = NULL, *ramp = NULL, *a = NULL;
        int failed = vips_xyz(&x, in->Xsize, in->Ysize, NULL) || vips_extract_band(x, &ramp, 0, NULL)
            || vips_linear1(ramp, &a, 255.0 / in->Xsize, 0, "uchar", TRUE, NULL)
            || vips_bandjoin2(image, a, &next, NULL);
        if (x) g_object_unref(x);
        if (ramp) g_object_unref(ramp);
        if (a) g_object_unref(a);
        g_object_unref(image);
        if (failed)
            return -1;
        image = next;
    }
    if (sixteen_bits) {
        if (vips_colourspace(image, &next, VIPS_INTERPRETATION_RGB16, NULL)) {
            g_object_unref(image);
            return -1;
        }
        g_object_unref(image);
        image = next;
    }
    int result = vips_image_write_to_buffer(image, suffix, buf, len, NULL);
    g_object_unref(image);
    return result;
}

int cupola_fixture_jpeg_in(VipsImage *in, const char *space, void **buf, size_t *len) {
    VipsImage *converted = NULL;
    int failed;
    if (!strcmp(space, "grey"))
        failed = vips_colourspace(in, &converted, VIPS_INTERPRETATION_B_W, NULL);
    else
        // libvips' built-in "cmyk" and "p3" profiles, embedded in the result.
        failed = vips_icc_transform(in, &converted, space, "input_profile", "srgb", "embedded", FALSE,
            "intent", VIPS_INTENT_RELATIVE, NULL);
    if (failed)
        return -1;
    int result = vips_jpegsave_buffer(converted, buf, len, "Q", 95, NULL);
    g_object_unref(converted);
    return result;
}
