/* model.c: helpers shared by all models: result tables, look-up in the registry, default values. */
#include "model.h"

#include <stdlib.h>
#include <string.h>

nr_status nr_table_alloc(nr_table *t, size_t n_channels, size_t n_bins, nr_error *err)
{
    memset(t, 0, sizeof *t);
    t->n_channels = n_channels;
    t->n_bins = n_bins;
    t->channel = calloc(n_channels ? n_channels : 1, sizeof *t->channel);
    t->channel_label = calloc(n_channels ? n_channels : 1, sizeof *t->channel_label);
    t->total = calloc(n_channels ? n_channels : 1, sizeof *t->total);
    if (n_bins) {
        t->bin_lo = calloc(n_bins, sizeof *t->bin_lo);
        t->bin_hi = calloc(n_bins, sizeof *t->bin_hi);
        t->events = calloc(n_bins * n_channels, sizeof *t->events);
    }
    if (!t->channel || !t->channel_label || !t->total ||
        (n_bins && (!t->bin_lo || !t->bin_hi || !t->events))) {
        nr_table_free(t);
        return nr_fail(err, NR_ENOMEM, "", "out of memory for a result table");
    }
    return NR_OK;
}

void nr_table_free(nr_table *t)
{
    if (!t)
        return;
    free(t->channel);
    free(t->channel_label);
    free(t->total);
    free(t->bin_lo);
    free(t->bin_hi);
    free(t->events);
    memset(t, 0, sizeof *t);
}

const nr_model *nr_model_find(const char *name)
{
    for (int i = 0; name && nr_models[i]; i++)
        if (strcmp(nr_models[i]->name, name) == 0)
            return nr_models[i];
    return NULL;
}

void nr_model_defaults(const nr_model *model, nr_param_value *values)
{
    for (size_t i = 0; i < model->n_params; i++) {
        values[i].number = model->params[i].default_value;
        values[i].choice = 0;
    }
}

int nr_model_param_index(const nr_model *model, const char *name)
{
    for (size_t i = 0; name && i < model->n_params; i++)
        if (strcmp(model->params[i].name, name) == 0)
            return (int)i;
    return -1;
}
