#include "embed/all_but_the_top.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#include "memvid/error.hpp"

namespace memvid::embed {

void symmetric_eigen(std::vector<double>& a, std::size_t n, std::vector<double>& values, std::vector<double>& vectors) {
  // v holds the accumulated rotations as columns: A = V diag V^T.
  std::vector<double> v(n * n, 0.0);
  for (std::size_t i = 0; i < n; ++i) v[i * n + i] = 1.0;
  auto at = [n](std::vector<double>& m, std::size_t r, std::size_t c) -> double& { return m[r * n + c]; };

  double total = 0;
  for (double x : a) total += x * x;
  // Cyclic Jacobi converges quadratically; 100 sweeps is far beyond what any matrix needs.
  for (int sweep = 0; sweep < 100; ++sweep) {
    double off = 0;
    for (std::size_t p = 0; p < n; ++p)
      for (std::size_t q = p + 1; q < n; ++q) off += at(a, p, q) * at(a, p, q);
    if (off <= total * 1e-30 || off == 0) break;
    for (std::size_t p = 0; p < n; ++p) {
      for (std::size_t q = p + 1; q < n; ++q) {
        const double apq = at(a, p, q);
        if (apq == 0) continue;
        const double theta = (at(a, q, q) - at(a, p, p)) / (2 * apq);
        // t = tan of the rotation angle, the smaller root of t^2 + 2 theta t - 1 = 0.
        const double t = std::abs(theta) > 1e150
                             ? 0.5 / theta
                             : (theta >= 0 ? 1.0 : -1.0) / (std::abs(theta) + std::sqrt(theta * theta + 1));
        const double c = 1 / std::sqrt(t * t + 1);
        const double s = t * c;
        for (std::size_t k = 0; k < n; ++k) {
          if (k == p || k == q) continue;
          const double akp = at(a, k, p), akq = at(a, k, q);
          at(a, k, p) = at(a, p, k) = c * akp - s * akq;
          at(a, k, q) = at(a, q, k) = s * akp + c * akq;
        }
        at(a, p, p) -= t * apq;
        at(a, q, q) += t * apq;
        at(a, p, q) = at(a, q, p) = 0;
        for (std::size_t k = 0; k < n; ++k) {
          const double vkp = at(v, k, p), vkq = at(v, k, q);
          at(v, k, p) = c * vkp - s * vkq;
          at(v, k, q) = s * vkp + c * vkq;
        }
      }
    }
  }

  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) { return at(a, x, x) > at(a, y, y); });
  values.resize(n);
  vectors.assign(n * n, 0.0);
  for (std::size_t r = 0; r < n; ++r) {
    values[r] = at(a, order[r], order[r]);
    for (std::size_t k = 0; k < n; ++k) vectors[r * n + k] = at(v, k, order[r]);
  }
}

RemovedDirections all_but_the_top(std::span<float> vectors, std::size_t rows, std::size_t dim, std::size_t components,
                                  bool center) {
  if (dim == 0 || rows == 0 || vectors.size() != rows * dim || components > dim) {
    throw Error(ErrorCode::InvalidArgument, "all_but_the_top: " + std::to_string(rows) + " rows of dimension " +
                                                std::to_string(dim) + " do not fit " +
                                                std::to_string(vectors.size()) + " values, or " +
                                                std::to_string(components) + " components are too many");
  }
  RemovedDirections out;
  out.mean.assign(dim, 0.0);
  if (center) {
    for (std::size_t r = 0; r < rows; ++r)
      for (std::size_t j = 0; j < dim; ++j) out.mean[j] += vectors[r * dim + j];
    for (double& m : out.mean) m /= static_cast<double>(rows);
  }

  std::vector<double> cov(dim * dim, 0.0);
  std::vector<double> x(dim);
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t j = 0; j < dim; ++j) x[j] = vectors[r * dim + j] - out.mean[j];
    for (std::size_t i = 0; i < dim; ++i) {
      const double xi = x[i];
      double* row = cov.data() + i * dim;
      for (std::size_t j = i; j < dim; ++j) row[j] += xi * x[j];
    }
  }
  for (std::size_t i = 0; i < dim; ++i) {
    for (std::size_t j = i; j < dim; ++j) {
      cov[i * dim + j] /= static_cast<double>(rows);
      cov[j * dim + i] = cov[i * dim + j];
    }
  }

  std::vector<double> values, eigvecs;
  symmetric_eigen(cov, dim, values, eigvecs);
  for (std::size_t c = 0; c < components; ++c) {
    out.directions.emplace_back(eigvecs.begin() + static_cast<std::ptrdiff_t>(c * dim),
                                eigvecs.begin() + static_cast<std::ptrdiff_t>((c + 1) * dim));
    out.variances.push_back(values[c]);
  }

  for (std::size_t r = 0; r < rows; ++r) {
    float* row = vectors.data() + r * dim;
    for (std::size_t j = 0; j < dim; ++j) x[j] = row[j] - out.mean[j];
    for (const auto& u : out.directions) {
      double dot = 0;
      for (std::size_t j = 0; j < dim; ++j) dot += u[j] * x[j];
      for (std::size_t j = 0; j < dim; ++j) x[j] -= dot * u[j];
    }
    for (std::size_t j = 0; j < dim; ++j) row[j] = static_cast<float>(x[j]);
  }
  return out;
}

}  // namespace memvid::embed
