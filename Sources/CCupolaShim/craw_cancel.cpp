// LibRaw's C interface cannot stop a decode part-way; its C++ one can: setCancelFlag, which the
// decoders' inner loops check (checkCancel), and which may be called from another thread. This is
// the one C++ function the shim needs, callable from craw.c.
#include <libraw/libraw.h>

extern "C" void cupola_raw_cancel(libraw_data_t *raw) {
    static_cast<LibRaw *>(raw->parent_class)->setCancelFlag();
}
