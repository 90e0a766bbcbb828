#pragma once
// "All-but-the-top" post-processing of a word-vector table (Mu and Viswanath, ICLR 2018):
// subtract the mean vector, then remove each vector's projection on the few directions of
// largest variance. Those directions mostly encode word frequency, so without them the
// cosine between sums of word vectors follows meaning more than common-word content.
//
// Everything here is deterministic: fixed summation order, a cyclic Jacobi eigen-solver of our
// own (no LAPACK whose results vary with the BLAS build), and results independent of the
// eigenvectors' signs. So the same table gives the same bytes on every machine.
#include <cstddef>
#include <span>
#include <vector>

namespace memvid::embed {

struct RemovedDirections {
  std::vector<double> mean;                     // dimension values
  std::vector<std::vector<double>> directions;  // unit vectors, largest variance first
  std::vector<double> variances;                // of the table along each direction (before removal)
};

// vectors: rows x dimension, row-major; changed in place. components <= dimension.
// center false skips the mean (then directions are those of the uncentred second moment).
RemovedDirections all_but_the_top(std::span<float> vectors, std::size_t rows, std::size_t dimension,
                                  std::size_t components, bool center = true);

// Eigen-decomposition of a symmetric n x n matrix (row-major; destroyed). Returns the
// eigenvalues in descending order and the matching unit eigenvectors as the rows of vectors.
void symmetric_eigen(std::vector<double>& matrix, std::size_t n, std::vector<double>& values,
                     std::vector<double>& vectors);

}  // namespace memvid::embed
