// libFuzzer entry point: any bytes, as a JPEG, through the shim's own libjpeg path (header and
// EXIF segment, scaled decode into a libvips image, encode). It must never crash, leak, hang or
// read out of bounds; errors are fine. Pixel counts are capped so that a header claiming a huge
// image only costs what the pipeline's megapixel limit would allow.
#include "CCupolaShim.h"
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static int started;
    if (!started)
        started = cupola_vips_start("jpeg-fuzz", 1) == 0;
    CupolaJpegInfo info;
    if (cupola_jpeg_info(data, size, &info) == 0) {
        g_free(info.exif);
        if (info.plain && (double) info.width * info.height <= 4e6) {
            VipsImage *image = NULL;
            if (cupola_jpeg_load_fit(data, size, info.width, info.height, 64, 1.0, &image) == 0) {
                void *encoded = NULL;
                size_t length = 0;
                if (cupola_jpeg_save(image, 80, &encoded, &length) == 0)
                    g_free(encoded);
                g_object_unref(image);
            }
        }
    }
    vips_error_clear();
    return 0;
}
