/*
 * A transcript log (transcript.h, OpenVM's TranscriptLog) as a directory of three .npy files, the
 * layout of OpenVM's reference vectors (tests/vectors/openvm-v2.0.0/logup_gkr/outputs):
 *   transcript_values.npy        '<u4', shape (n,): every base element observed or sampled
 *   transcript_is_sample.npy     '|u1', shape (n,): 1 where the element was sampled
 *   transcript_perm_results.npy  '<u4', shape (n_perms, 16): the sponge state after each
 * permutation so a log can be diffed against OpenVM's position by position.
 */
#ifndef SWIRL_TRANSCRIPT_LOG_NPY_H
#define SWIRL_TRANSCRIPT_LOG_NPY_H

#include "transcript/transcript.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Writes the three files into dir, creating it (and its parents) when missing. Each file goes to
 *  a temporary name in dir and is renamed into place. A log whose `failed` flag is set (it ran out
 *  of memory, so it is incomplete) is SWIRL_E_NOMEM and nothing is written; SWIRL_E_IO when the
 *  directory cannot be made or a file cannot be written (the message names the path). */
enum swirl_status swirl_transcript_log_write_npy(const char *dir, const swirl_transcript_log *log)
    SWIRL_WARN_UNUSED_RESULT;

/** Reads the three files of dir into *log (owned: swirl_transcript_log_clear frees it; on failure
 *  it is left empty). SWIRL_E_IO for a missing or malformed file, a wrong dtype or shape, or
 *  value and flag counts that differ. */
enum swirl_status swirl_transcript_log_read_npy(swirl_transcript_log *log,
                                                const char *dir) SWIRL_WARN_UNUSED_RESULT;

#ifdef __cplusplus
}
#endif

#endif /* SWIRL_TRANSCRIPT_LOG_NPY_H */
