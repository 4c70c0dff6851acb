/* data_manifest.c: verifies the installed data folder against MANIFEST.tsv (sha256 and size of each file).
 *
 * MANIFEST.tsv columns: path, sha256, bytes, repo, commit, source_dir, license (first row a header;
 * lines starting with '#' are comments). Paths are relative to the data folder and must not escape it.
 */
#include "data_manifest.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sha256.h"

static int is_hex64(const char *s)
{
    if (strlen(s) != 64)
        return 0;
    for (int i = 0; i < 64; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
    return 1;
}

nr_status nr_data_manifest_verify(const char *data_dir, char manifest_sha256[65], int *n_files,
                                  nr_error *err)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/MANIFEST.tsv", data_dir);
    *n_files = 0;
    if (nr_sha256_file_hex(path, manifest_sha256) != 0)
        return nr_fail(err, NR_EDATA, path, "data manifest %s is missing or unreadable: %s", path,
                       strerror(errno));
    FILE *f = fopen(path, "r");
    if (!f)
        return nr_fail(err, NR_EDATA, path, "cannot open %s: %s", path, strerror(errno));
    char line[4096];
    int line_no = 0;
    nr_status st = NR_OK;
    while (st == NR_OK && fgets(line, sizeof line, f)) {
        line_no++;
        if (line[0] == '#' || line[0] == '\n' || strncmp(line, "path\t", 5) == 0)
            continue;
        char *save = NULL;
        char *rel = strtok_r(line, "\t\n", &save);
        char *sha = strtok_r(NULL, "\t\n", &save);
        char *bytes = strtok_r(NULL, "\t\n", &save);
        if (!rel || !sha || !bytes || !is_hex64(sha) || strstr(rel, "..") || rel[0] == '/') {
            st = nr_fail(err, NR_EDATA, path, "%s line %d: malformed manifest row", path, line_no);
            break;
        }
        char file[1400];
        snprintf(file, sizeof file, "%s/%s", data_dir, rel);
        struct stat sb;
        if (stat(file, &sb) != 0) {
            st = nr_fail(err, NR_EDATA, file, "data file %s is missing (run deploy/install_data.sh)", file);
            break;
        }
        if ((long long)sb.st_size != atoll(bytes)) {
            st = nr_fail(err, NR_EDATA, file, "data file %s has %lld bytes, the manifest says %s: corrupt",
                         file, (long long)sb.st_size, bytes);
            break;
        }
        char hex[65];
        if (nr_sha256_file_hex(file, hex) != 0 || strcmp(hex, sha) != 0) {
            st = nr_fail(err, NR_EDATA, file, "data file %s does not match its sha256 in the manifest: corrupt",
                         file);
            break;
        }
        (*n_files)++;
    }
    fclose(f);
    return st;
}
