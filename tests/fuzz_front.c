/*
 * fuzz_front.c - libFuzzer target: bytes -> front-end -> model, which must
 * validate, and its JSON dump.  Built by `make fuzz` with clang.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "back/backend.h"
#include "front/front.h"
#include "model/model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	mc_diag d;
	mc_diag_init(&d, NULL, "fuzz.md");
	mc_front_opts opts = {NULL, 3};
	mc_doc *doc = NULL;
	if (mc_front_parse_buffer((const char *)data, size, "fuzz.md", NULL,
	                          &opts, &d, &doc) == 0 && doc) {
		char err[256];
		if (mc_doc_validate(doc, err, sizeof err) != 0) {
			fprintf(stderr, "invalid tree: %s\n", err);
			abort();
		}
		mc_buf out = MC_BUF_INIT;
		const mc_backend *json = mc_backend_by_name("json");
		if (json && json->render(doc, NULL, NULL, &out, &d) != 0)
			abort();
		mc_buf_free(&out);
	}
	mc_doc_free(doc);
	return 0;
}
