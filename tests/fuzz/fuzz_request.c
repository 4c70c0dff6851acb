/* fuzz_request.c: libFuzzer target on the request parser and validator (the server's path before any
 * computation: route table, query step, JSON parse, validation, physics check; fixture_runner.h).
 *
 * Input: "<endpoint>[?<query>]\n<body>", e.g. "/api/v1/rates\n{...}" or "/api/v1/rates.json?model=sm".
 * Seeds: the request fixtures (tests/fuzz/make_corpus.py writes them in this form). The target fails on a
 * crash or sanitizer report, and on an answer the server must never give before computing: a status other
 * than 200/400/404/414/422 (a 5xx for bad input) or a problem without a type.
 * Build: cmake -S . -B build-fuzz -DCMAKE_C_COMPILER=clang -DNUREACH_FUZZ=ON -DBUILD_TESTING=OFF
 * Run:   NUREACH_DATA_DIR=data build-fuzz/tests/fuzz/fuzz_request -max_total_time=20 corpus/ seeds/
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../requests/fixture_runner.h"

static nr_engine *engine;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *dir = getenv("NUREACH_DATA_DIR");
    nr_error err;
    nr_error_clear(&err);
    if (nr_engine_init(dir ? dir : "data", &engine, &err) != NR_OK) {
        fprintf(stderr, "fuzz_request: cannot open the engine (NUREACH_DATA_DIR): %s\n", err.message);
        exit(1);
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    char *newline = memchr(text, '\n', size);
    size_t head_len = newline ? (size_t)(newline - text) : size;
    const char *body = newline ? newline + 1 : "";
    size_t body_len = newline ? size - head_len - 1 : 0;
    text[head_len] = '\0';
    char *question = strchr(text, '?');
    if (question)
        *question++ = '\0';
    nr_problem p;
    unsigned status = fixture_validate(engine, text, question, body, body_len, &p);
    int allowed = status == 200 || status == 400 || status == 404 || status == 414 || status == 422;
    if (!allowed || (status != 200 && !p.type[0])) {
        fprintf(stderr, "fuzz_request: status %u type '%s' detail '%s'\n", status, p.type, p.detail);
        abort();
    }
    size_t len = 0;
    char *json = status != 200 ? nr_problem_to_json(&p, text, &len) : NULL;
    if (status != 200 && !json)
        abort(); /* a problem that cannot be written */
    free(json);
    free(text);
    return 0;
}
