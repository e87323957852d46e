/*
 * <stddef.h> for NVRTC (see stdint.h here): NVRTC has size_t built in; the rest the library's
 * headers might use.
 */
#ifndef SWIRL_NVRTC_STDDEF_H
#define SWIRL_NVRTC_STDDEF_H

typedef long ptrdiff_t;
#ifndef NULL
#define NULL 0
#endif
#define offsetof(t, m) __builtin_offsetof(t, m)

#endif /* SWIRL_NVRTC_STDDEF_H */
