// The interface both fused-attention kernels implement (as the tensor core would have called them).
#include <stdint.h>

typedef struct {
    const float *query;
    long query_stride;
    const float *key;
    long key_stride;
    const float *value;
    long value_stride;
    const uint8_t *key_live;
    long queries, keys, head_dim;
    float scale;
    float *weights;
    float *context;
    long context_stride;
} condenser_attention_head;

int condenser_attend(const condenser_attention_head *head, int path);
