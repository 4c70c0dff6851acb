/* static_files.h: the web page from the static folder (static_files.c). */
#ifndef NR_STATIC_FILES_H
#define NR_STATIC_FILES_H

#include "http.h"

void nr_static_handle(void *api, const nr_http_request *req, nr_http_response *resp);
/* Content type for a file name, NULL if the extension is not served. */
const char *nr_static_content_type(const char *path);
/* 1 if a URL path is safe to map into the static folder. */
int nr_static_path_ok(const char *path);

#endif
