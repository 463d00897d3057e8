// exif_data_get_entry is a macro that needs size_t: <stddef.h> must come first.
#include <stddef.h>
#include <libexif/exif-data.h>
#include <libexif/exif-loader.h>
#include <libexif/exif-utils.h>
