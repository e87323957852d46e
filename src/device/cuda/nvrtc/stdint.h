/*
 * <stdint.h> for NVRTC, which ships no C library headers: the JIT path (device/cuda/zc_jit.cu)
 * hands this text to nvrtcCreateProgram as the header "stdint.h", so the library's own headers
 * (field/bb31.h, util/common.h, swirl/swirl.h) compile unchanged. LP64 device code only.
 */
#ifndef SWIRL_NVRTC_STDINT_H
#define SWIRL_NVRTC_STDINT_H

typedef signed char int8_t;
typedef short int16_t;
typedef int int32_t;
typedef long long int64_t;
typedef unsigned char uint8_t;
typedef unsigned short uint16_t;
typedef unsigned int uint32_t;
typedef unsigned long long uint64_t;
typedef long intptr_t;
typedef unsigned long uintptr_t;

#define INT8_MAX 127
#define INT16_MAX 32767
#define INT32_MAX 2147483647
#define INT64_MAX 9223372036854775807LL
#define UINT8_MAX 255
#define UINT16_MAX 65535
#define UINT32_MAX 4294967295u
#define UINT64_MAX 18446744073709551615ull
#define SIZE_MAX 18446744073709551615ul

static_assert(sizeof(int64_t) == 8 && sizeof(uint64_t) == 8 && sizeof(uintptr_t) == sizeof(void *) &&
                  sizeof(size_t) == 8,
              "the NVRTC stdint.h stand-in assumes LP64");

#endif /* SWIRL_NVRTC_STDINT_H */
