// LibRaw, wrapped: Swift never sees a libraw_data_t. Each call opens the in-memory file afresh
// (LibRaw's open only parses the header), and LibRaw's reason for a failure is kept per thread,
// like libjpeg's, because LibRaw has no error buffer of its own.
#include "CCupolaShim.h"
#include <libraw/libraw.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* The largest raw LibRaw may hold in memory, in megabytes (its own check, before unpacking). */
#define CUPOLA_RAW_MEMORY_MB 2048

static __thread char raw_error[256];

const char *cupola_raw_error(void) { return raw_error; }

static void remember(const char *step, int code) {
    /* LibRaw's only input is the buffer in memory: an I/O error is the file running out. */
    if (code == LIBRAW_IO_ERROR) snprintf(raw_error, sizeof raw_error, "LibRaw: unexpected end of file");
    else snprintf(raw_error, sizeof raw_error, "LibRaw %s: %s", step, libraw_strerror(code));
}

/* LibRaw reports short or damaged data through this callback (by default it prints to stderr and
   carries on, filling the rest with zeros); the decode then fails instead, naming the offset. */
static __thread int raw_data_damaged;

static void on_data_error(void *context, const char *file, const int offset) {
    (void)context; (void)file;
    if (raw_data_damaged) return;
    raw_data_damaged = 1;
    if (offset < 0) snprintf(raw_error, sizeof raw_error, "LibRaw: unexpected end of file");
    else snprintf(raw_error, sizeof raw_error, "LibRaw: corrupt data near offset %d", offset);
}

/* LibRaw's default memory-error callback prints to stderr; the failure is reported by its result code. */
static void on_memory_error(void *context, const char *file, const char *where) {
    (void)context; (void)file; (void)where;
}

/* A LibRaw handle on the buffer, header parsed; NULL with raw_error set when LibRaw cannot open it. */
static libraw_data_t *open_raw(const void *buf, size_t len) {
    raw_error[0] = 0;
    raw_data_damaged = 0;
    libraw_data_t *raw = libraw_init(0);
    if (!raw) { snprintf(raw_error, sizeof raw_error, "LibRaw: out of memory"); return NULL; }
    libraw_set_dataerror_handler(raw, on_data_error, NULL);
    libraw_set_memerror_handler(raw, on_memory_error, NULL);
    raw->params.max_raw_memory_mb = CUPOLA_RAW_MEMORY_MB;
    int code = libraw_open_buffer(raw, (void *)buf, len);
    if (code != LIBRAW_SUCCESS) { remember("open", code); libraw_close(raw); return NULL; }
    return raw;
}

/* dcraw's flip (rotation and mirroring bits) as the EXIF orientation that undoes the same turn. */
static int orientation_of_flip(int flip) {
    static const int exif[8] = {1, 2, 4, 3, 5, 8, 6, 7};
    return exif[flip & 7];
}

static double sexagesimal(const float parts[3]) {
    return parts[0] + parts[1] / 60.0 + parts[2] / 3600.0;
}

/* What LibRaw's header parse read of the capture (its dcraw-derived fields). */
static void read_capture(libraw_data_t *raw, CupolaRawInfo *info) {
    /* Bounded by the field: a hostile header may leave one unterminated. */
    snprintf(info->serial, sizeof info->serial, "%.*s", (int)sizeof raw->shootinginfo.BodySerial, raw->shootinginfo.BodySerial);
    snprintf(info->lens, sizeof info->lens, "%.*s", (int)sizeof raw->lens.Lens, raw->lens.Lens);
    info->focal_length = raw->other.focal_len;
    info->f_number = raw->other.aperture;
    info->exposure_time = raw->other.shutter;
    info->iso = raw->other.iso_speed;
    /* LibRaw made `timestamp` from the EXIF wall clock with mktime(), in this process's zone:
       localtime_r gives that wall clock back, as mktime normalised it (a month 13 is next
       January; a time in a spring-forward gap comes back an hour later). A year past 9999 does
       not fit, and is left out. */
    if (raw->other.timestamp > 0) {
        struct tm local;
        time_t stamp = raw->other.timestamp;
        if (!localtime_r(&stamp, &local) || !strftime(info->taken, sizeof info->taken, "%Y:%m:%d %H:%M:%S", &local))
            info->taken[0] = 0;
    }
    const libraw_gps_info_t *gps = &raw->other.parsed_gps;
    if (gps->gpsparsed && (gps->latref == 'N' || gps->latref == 'S') && (gps->longref == 'E' || gps->longref == 'W')) {
        info->has_gps = 1;
        info->latitude = sexagesimal(gps->latitude) * (gps->latref == 'S' ? -1 : 1);
        info->longitude = sexagesimal(gps->longitude) * (gps->longref == 'W' ? -1 : 1);
        info->altitude = gps->altitude * (gps->altref == 1 ? -1 : 1);
    }
}

int cupola_raw_identify(const void *buf, size_t len, CupolaRawInfo *info) {
    memset(info, 0, sizeof *info);
    libraw_data_t *raw = open_raw(buf, len);
    if (!raw) return -1;
    info->width = raw->sizes.width;
    info->height = raw->sizes.height;
    info->sensor_width = raw->sizes.raw_width;
    info->sensor_height = raw->sizes.raw_height;
    info->orientation = orientation_of_flip(raw->sizes.flip);
    info->dng = raw->idata.dng_version != 0;
    snprintf(info->make, sizeof info->make, "%.*s", (int)sizeof raw->idata.make, raw->idata.make);
    snprintf(info->model, sizeof info->model, "%.*s", (int)sizeof raw->idata.model, raw->idata.model);
    read_capture(raw, info);
    /* The preview's format is known only once it is unpacked; a bitmap one is found out then. */
    if (raw->thumbnail.tlength > 0) {
        info->preview_width = raw->thumbnail.twidth;
        info->preview_height = raw->thumbnail.theight;
    }
    libraw_close(raw);
    if (info->width <= 0 || info->height <= 0) {
        snprintf(raw_error, sizeof raw_error, "LibRaw: no image size in the header");
        return -1;
    }
    return 0;
}

int cupola_raw_preview(const void *buf, size_t len, void **jpeg, size_t *jpeg_len) {
    *jpeg = NULL;
    *jpeg_len = 0;
    libraw_data_t *raw = open_raw(buf, len);
    if (!raw) return -1;
    int code = libraw_unpack_thumb(raw);
    int status = -1;
    if (code != LIBRAW_SUCCESS) {
        remember("preview", code);
    } else if (raw->thumbnail.tformat != LIBRAW_THUMBNAIL_JPEG || !raw->thumbnail.thumb || raw->thumbnail.tlength == 0) {
        snprintf(raw_error, sizeof raw_error, "LibRaw: the embedded preview is not a JPEG");
        status = CUPOLA_RAW_NO_JPEG_PREVIEW;
    } else {
        *jpeg = g_malloc(raw->thumbnail.tlength);
        memcpy(*jpeg, raw->thumbnail.thumb, raw->thumbnail.tlength);
        *jpeg_len = raw->thumbnail.tlength;
        status = 0;
    }
    libraw_close(raw);
    return status;
}

/* LibRaw calls this between its stages; a non-zero return cancels the decode. */
static int before_deadline(void *deadline, enum LibRaw_progress stage, int iteration, int expected) {
    (void)stage; (void)iteration; (void)expected;
    return g_get_monotonic_time() > *(gint64 *)deadline;
}

void cupola_raw_cancel(libraw_data_t *raw);   /* craw_cancel.cpp */

/* A stage can be long (a hostile file's compressed strips): a thread waits for the deadline and
   sets LibRaw's cancel flag, which its raw-data loaders check row by row (unpack stopped 0.06 s
   into a 0.34 s unpack). The demosaic does not check it in LibRaw 0.20 (Debian's OpenMP build:
   a flag set at 1.2 s let a 6.4 s dcraw_process finish); there the progress callback stops the
   decode at the next stage, and the pixel limit bounds how long a stage can be. The decode signals
   `done` and joins the thread before closing LibRaw. */
typedef struct {
    GMutex lock;
    GCond finished;
    int done;
    gint64 deadline;
    libraw_data_t *raw;
} RawWatch;

static gpointer watch_deadline(gpointer data) {
    RawWatch *watch = data;
    g_mutex_lock(&watch->lock);
    while (!watch->done) {
        if (!g_cond_wait_until(&watch->finished, &watch->lock, watch->deadline)) {
            if (!watch->done) cupola_raw_cancel(watch->raw);
            break;
        }
    }
    g_mutex_unlock(&watch->lock);
    return NULL;
}

static void watch_stop(RawWatch *watch, GThread *thread) {
    if (!thread) return;
    g_mutex_lock(&watch->lock);
    watch->done = 1;
    g_cond_signal(&watch->finished);
    g_mutex_unlock(&watch->lock);
    g_thread_join(thread);
    g_mutex_clear(&watch->lock);
    g_cond_clear(&watch->finished);
}

int cupola_raw_decode(const void *buf, size_t len, int half, double seconds, VipsImage **out) {
    *out = NULL;
    libraw_data_t *raw = open_raw(buf, len);
    if (!raw) return -1;
    int limited = seconds <= 1e6;
    gint64 deadline = g_get_monotonic_time() + (gint64)(limited ? seconds * 1e6 : 1e12);
    libraw_set_progress_handler(raw, before_deadline, &deadline);
    RawWatch watch = {.deadline = deadline, .raw = raw};
    GThread *watcher = NULL;
    if (limited) {
        g_mutex_init(&watch.lock);
        g_cond_init(&watch.finished);
        watcher = g_thread_new("cupola-raw-deadline", watch_deadline, &watch);
    }
    raw->params.half_size = half ? 1 : 0;
    raw->params.use_camera_wb = 1;
    raw->params.output_color = 1;   /* sRGB primaries */
    raw->params.output_bps = 8;
    raw->params.gamm[0] = 1 / 2.4;  /* the sRGB curve */
    raw->params.gamm[1] = 12.92;
    raw->params.user_flip = 0;      /* stored orientation: the renderer turns it, as for JPEG */
    int status = -1;
    int code = libraw_unpack(raw);
    if (code == LIBRAW_SUCCESS && raw_data_damaged) {
        watch_stop(&watch, watcher);
        libraw_close(raw);
        return CUPOLA_RAW_DAMAGED;
    }
    if (code == LIBRAW_SUCCESS) code = libraw_dcraw_process(raw);
    watch_stop(&watch, watcher);
    if (code != LIBRAW_SUCCESS) {
        remember(code == LIBRAW_CANCELLED_BY_CALLBACK ? "decode (time limit)" : "decode", code);
        status = code == LIBRAW_CANCELLED_BY_CALLBACK ? CUPOLA_RAW_TIMED_OUT : -1;
    } else {
        libraw_processed_image_t *image = libraw_dcraw_make_mem_image(raw, &code);
        if (!image) {
            remember("decode", code);
        } else {
            if (image->type == LIBRAW_IMAGE_BITMAP && image->bits == 8 && (image->colors == 3 || image->colors == 1)) {
                *out = vips_image_new_from_memory_copy(image->data, image->data_size, image->width, image->height,
                                                       image->colors, VIPS_FORMAT_UCHAR);
                if (*out) {
                    (*out)->Type = image->colors == 3 ? VIPS_INTERPRETATION_sRGB : VIPS_INTERPRETATION_B_W;
                    status = 0;
                } else {
                    snprintf(raw_error, sizeof raw_error, "libvips: cannot hold the decoded raw");
                }
            } else {
                snprintf(raw_error, sizeof raw_error, "LibRaw: unexpected decoded image (%d bits, %d colours)",
                         image->bits, image->colors);
            }
            libraw_dcraw_clear_mem(image);
        }
    }
    libraw_close(raw);
    return status;
}
