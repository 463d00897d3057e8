// libFuzzer entry point: any bytes, as a camera raw file, through the shim's LibRaw path (header
// parse, embedded preview, half-size demosaic into a libvips image). It must never crash, leak,
// hang or read out of bounds; errors are fine. Like the pipeline, a raw whose picture or sensor
// is larger than a pixel limit is not decoded, and each decode has a time limit.
#include "CCupolaShim.h"
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static int started;
    if (!started)
        started = cupola_vips_start("raw-fuzz", 1) == 0;
    CupolaRawInfo info;
    if (cupola_raw_identify(data, size, &info) == 0) {
        void *jpeg = NULL;
        size_t length = 0;
        if (cupola_raw_preview(data, size, &jpeg, &length) == 0)
            g_free(jpeg);
        double pixels = (double) info.width * info.height, sensor = (double) info.sensor_width * info.sensor_height;
        if (pixels <= 4e6 && sensor <= 4e6) {
            VipsImage *image = NULL;
            if (cupola_raw_decode(data, size, 1, 2.0, &image) == 0)
                g_object_unref(image);
        }
    }
    vips_error_clear();
    return 0;
}
