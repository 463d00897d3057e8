// libexif: read-only parsing and, for fixtures, building EXIF blocks.
#include "CCupolaShim.h"
#include <stdlib.h>
#include <string.h>
#include <libexif/exif-utils.h>

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
