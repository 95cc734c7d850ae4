/* The inner loop of the danger model's training (bot/safety/model.py, `_train_logistic`), for
 * speed only: the same floating-point operations in the same order as the Python loop there,
 * so the weights are the same floats, bit for bit (tests/test_safety_model_training.py). Built
 * by `make setup` into the virtual environment; without it the Python loop runs (a whole
 * training ~3× slower).
 * Compiled with -ffp-contract=off: a fused multiply-add would round differently. */
#include <math.h>

void adagrad_epoch(
    const int *order, int rows,          /* rows in the order of this epoch's shuffle */
    const int *starts,                   /* row r's features: positions[starts[r] .. starts[r+1]) */
    const int *positions,
    const double *labels, double danger_weight, double calm_weight,
    double *weights, double *squares,    /* one per feature, updated in place */
    double *bias, double *bias_square,
    double rate, double l2)
{
    for (int k = 0; k < rows; k++) {
        int r = order[k];
        double label = labels[r];
        /* Python: bias + sum([...]), the sum from left to right starting at 0 (Python 3.11;
         * 3.12's sum of floats is compensated: the test would say so). */
        double sum = 0.0;
        for (int j = starts[r]; j < starts[r + 1]; j++)
            sum += weights[positions[j]];
        double score = *bias + sum;
        if (score > 30.0) score = 30.0;
        if (score < -30.0) score = -30.0;
        double gradient = (1.0 / (1.0 + exp(-score)) - label)
                          * (label == 1.0 ? danger_weight : calm_weight);
        for (int j = starts[r]; j < starts[r + 1]; j++) {
            int i = positions[j];
            double w = weights[i];
            double g = gradient + l2 * w;
            squares[i] += g * g;
            weights[i] = w - (rate * g) / sqrt(squares[i]);
        }
        *bias_square += gradient * gradient;
        *bias -= (rate * gradient) / sqrt(*bias_square);
    }
}
