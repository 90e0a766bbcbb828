#pragma once
// The vector part's kind (index/index_part.hpp): its reference checks and its verifier
// (VecIndexDecode, VecIndexCoverage). The live part is the VectorIndex.
#include "index/vec/vector_index.hpp"
