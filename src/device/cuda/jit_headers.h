/*
 * The headers NVRTC gets with the generated round-0 code (device/cuda/zc_jit.cu): the text of the
 * library's own files (field/bb31.h, field/bb31_ext4.h, device/zc_base.h, ...) embedded at build
 * time by cmake/EmbedHeaders.cmake (CMakeLists.txt lists them), under the names the sources
 * #include them by, plus device/cuda/nvrtc/'s stdint.h and stddef.h (NVRTC has no C library).
 */
#ifndef SWIRL_DEVICE_CUDA_JIT_HEADERS_H
#define SWIRL_DEVICE_CUDA_JIT_HEADERS_H

#ifdef __cplusplus
extern "C" {
#endif

extern const char *const swirl_jit_header_names[]; /* as #include names them */
extern const char *const swirl_jit_header_texts[]; /* NUL-terminated */
extern const unsigned swirl_jit_n_headers;

#ifdef __cplusplus
}
#endif

#endif /* SWIRL_DEVICE_CUDA_JIT_HEADERS_H */
