/* data_manifest.h: checks the installed data folder against its MANIFEST.tsv.
 *
 * MANIFEST.tsv (from shared/data, installed by deploy/install_data.sh) lists every file with its
 * sha256 and size. The daemon refuses to start if any listed file is missing or differs, and names
 * the file. */
#ifndef NR_DATA_MANIFEST_H
#define NR_DATA_MANIFEST_H

#include "nr_error.h"

/* Verify every file listed in <data_dir>/MANIFEST.tsv. On success fills manifest_sha256 (hex) with the
 * digest of the manifest itself (the data version) and n_files with the number checked. */
nr_status nr_data_manifest_verify(const char *data_dir, char manifest_sha256[65], int *n_files,
                                  nr_error *err);

#endif
