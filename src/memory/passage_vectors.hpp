#pragma once
// A frame's vectors are its passages' vectors: the text cut as the lexical index cuts it
// (index/passages.hpp), each passage embedded with the frame's title before it, normalized
// and quantized to 8 bits. The put path embeds documents this way, and the index embeds a
// frame again this way when its record says the vectors come from its text.
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "index/vec/q8.hpp"
#include "memvid/embedding.hpp"
#include "text/chunker.hpp"

namespace memvid {

struct PassageSource {
  std::string_view title;
  std::string_view text;
  std::span<const text::ChunkRange> passages;  // none: the whole (maybe empty) text is one passage
};

// One row set per source, in order: a unit vector per passage. Throws ProviderFailed when
// the provider returns the wrong number of vectors, InvalidArgument for NaN or infinity,
// ModelMismatch for vectors of two dimensions.
std::vector<index::Q8Rows> embed_passages(EmbeddingProvider& provider, std::span<const PassageSource> sources);

class Embedder;
// One frame's passage vectors computed again from its text by the provider embedder has for
// model; none when it has none, or it fails (the frame is then found by its words only until
// the vector index is rebuilt, and verify reports the missing rows).
index::Q8Rows embed_frame_passages(Embedder& embedder, const std::string& model, std::string_view title,
                                   std::string_view text, std::span<const text::ChunkRange> passages) noexcept;

// Whether a memory's passage vectors can be computed again from the text alone, here and on
// any machine with the built-in model: then records need not keep them. A compressed index
// keeps only approximations, so there records keep the vectors its merges start from.
bool vectors_derivable(std::string_view model, bool vector_compression);

}  // namespace memvid
