/* openapi.h: the served API description (openapi.c). */
#ifndef NR_OPENAPI_H
#define NR_OPENAPI_H

#include <stddef.h>

/* The document GET /api/v1/openapi.json serves: the hand-written schema/openapi.json (text, len) with the
 * per-model parts generated from the model table at start-up. Malloc'd; NULL (with errbuf filled) when the
 * text is not JSON or memory ran out. */
char *nr_openapi_document(const char *text, size_t len, size_t *out_len, char *errbuf, size_t errlen);

#endif
