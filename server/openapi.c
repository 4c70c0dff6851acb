/* openapi.c: the served API description: schema/openapi.json plus the per-model parts, generated at start-up
 * from the parameter declarations of the model table (physics/model.h), so the description can never lag a
 * model:
 *   components.schemas.Params_<model>  each parameter: number (minimum, maximum, default) or string (enum of
 *                                      its choices, default), description with the unit; no other key;
 *   components.schemas.ModelParams     oneOf over the models: {"model": const <name>, "params": Params_<name>};
 *   ComputeRequest and BoundsRequest   become allOf [the hand-written schema, ModelParams].
 * The hand-written file keeps everything else (paths, responses, problem types, examples). */
#include "openapi.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "nureach.h"

static json_t *param_schema(const nr_param_spec *spec)
{
    char description[600];
    snprintf(description, sizeof description, "%s%s%s%s", spec->description ? spec->description : "",
             spec->unit && spec->unit[0] ? " [" : "", spec->unit ? spec->unit : "", spec->unit && spec->unit[0] ? "]" : "");
    json_t *s = json_object();
    json_object_set_new(s, "description", json_string(description));
    if (spec->kind == NR_PARAM_CHOICE) {
        json_t *choices = json_array();
        for (int i = 0; spec->choices && spec->choices[i]; i++)
            json_array_append_new(choices, json_string(spec->choices[i]));
        json_object_set_new(s, "type", json_string("string"));
        json_object_set_new(s, "enum", choices);
        json_object_set_new(s, "default", json_string(spec->choices[0]));
    } else {
        json_object_set_new(s, "type", json_string("number"));
        json_object_set_new(s, "minimum", json_real(spec->min_value));
        json_object_set_new(s, "maximum", json_real(spec->max_value));
        json_object_set_new(s, "default", json_real(spec->default_value));
    }
    return s;
}

static json_t *params_schema(const nr_model *m)
{
    json_t *props = json_object();
    for (size_t i = 0; i < m->n_params; i++)
        json_object_set_new(props, m->params[i].name, param_schema(&m->params[i]));
    json_t *s = json_object();
    char description[256];
    snprintf(description, sizeof description, "parameters of model '%s' (%s); omitted ones take their default",
             m->name, m->title);
    json_object_set_new(s, "type", json_string("object"));
    json_object_set_new(s, "description", json_string(description));
    json_object_set_new(s, "properties", props);
    json_object_set_new(s, "additionalProperties", json_false());
    return s;
}

static json_t *model_branch(const nr_model *m)
{
    char ref[160];
    snprintf(ref, sizeof ref, "#/components/schemas/Params_%s", m->name);
    json_t *model = json_object(), *params = json_object(), *props = json_object(), *b = json_object();
    json_object_set_new(model, "const", json_string(m->name));
    json_object_set_new(params, "$ref", json_string(ref));
    json_object_set_new(props, "model", model);
    json_object_set_new(props, "params", params);
    json_object_set_new(b, "type", json_string("object"));
    json_object_set_new(b, "properties", props);
    json_object_set_new(b, "required", json_pack("[s]", "model"));
    return b;
}

/* Replaces schemas[name] by allOf [it, ModelParams]. */
static void require_model_params(json_t *schemas, const char *name)
{
    json_t *original = json_object_get(schemas, name);
    if (!original)
        return;
    json_t *all = json_pack("{s:[O,{s:s}]}", "allOf", original, "$ref", "#/components/schemas/ModelParams");
    json_object_set_new(schemas, name, all);
}

char *nr_openapi_document(const char *text, size_t len, size_t *out_len, char *errbuf, size_t errlen)
{
    json_error_t jerr;
    json_t *doc = json_loadb(text, len, 0, &jerr);
    json_t *schemas = json_object_get(json_object_get(doc, "components"), "schemas");
    if (!json_is_object(schemas)) {
        snprintf(errbuf, errlen, "not an OpenAPI document with components.schemas (line %d: %s)", jerr.line,
                 doc ? "no components.schemas" : jerr.text);
        json_decref(doc);
        return NULL;
    }
    json_t *branches = json_array();
    for (int i = 0; nr_models[i]; i++) {
        char name[128];
        snprintf(name, sizeof name, "Params_%s", nr_models[i]->name);
        json_object_set_new(schemas, name, params_schema(nr_models[i]));
        json_array_append_new(branches, model_branch(nr_models[i]));
    }
    json_object_set_new(schemas, "ModelParams",
                        json_pack("{s:s,s:o}", "description",
                                  "the request's model and its parameters, from the model table (generated at "
                                  "start-up)", "oneOf", branches));
    require_model_params(schemas, "ComputeRequest");
    require_model_params(schemas, "BoundsRequest");
    char *out = json_dumps(doc, JSON_INDENT(2) | JSON_REAL_PRECISION(17));
    json_decref(doc);
    if (!out)
        snprintf(errbuf, errlen, "out of memory");
    *out_len = out ? strlen(out) : 0;
    return out;
}
