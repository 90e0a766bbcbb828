// Frame record (data region), little-endian:
//   0  magic "MVFR"       4 version u8 (1)   5 encoding u8 (0 plain, 1 zstd)   6 kind u8   7 reserved
//   8  frame id u64       16 timestamp ms i64     24 raw payload length u64
//   32 stored payload length u64      40 metadata length u32    44 reserved u32
//   48 content hash: BLAKE3(raw payload), 32 bytes
//   80 metadata: fields {tag varint, length varint, bytes}; tags 1 title, 2 uri, 3 tag (repeats),
//      4 label (repeats), 5 JSON metadata, 6 parent frame id (varint), 7 superseded frame id (varint),
//      8 embedding (dimension x f32 little-endian, the vector as the provider gave it),
//      9 chunk size and 10 chunk overlap in bytes (varints; the memory's settings when absent),
//      11 facts off (varint 1), 12 passage vectors (varint dimension, then per passage an f32
//      scale and dimension i8 codes: component i is code i x scale), 13 vectors from text
//      (varint 1: the memory's model embeds the passages again whenever the index needs them);
//      unknown tags are skipped so later versions can add fields
//   .. stored payload
//   end-16: checksum BLAKE3(all preceding bytes)[0..16]
#include "format/frame_record.hpp"

#include <bit>
#include <cstring>

#include "format/blake3.hpp"
#include "format/bytes.hpp"
#include "format/checksum.hpp"
#include "format/compression.hpp"
#include "format/layout.hpp"

namespace memvid::format {
namespace {
constexpr char kMagic[4] = {'M', 'V', 'F', 'R'};
enum MetaTag : std::uint64_t { kTitle = 1, kUri = 2, kTag = 3, kLabel = 4, kJson = 5, kParent = 6, kSupersedes = 7, kEmbedding = 8,
               kChunkBytes = 9, kChunkOverlap = 10, kFactsOff = 11, kPassageVectors = 12,
               kVectorsFromText = 13 };

void put_field(ByteWriter& w, std::uint64_t tag, std::string_view value) {
  w.varint(tag);
  w.varint(value.size());
  w.bytes(value.data(), value.size());
}
void put_number(ByteWriter& w, std::uint64_t tag, std::uint64_t value) {
  ByteWriter v;
  v.varint(value);
  w.varint(tag);
  w.varint(v.size());
  w.bytes(v.buffer());
}

std::vector<std::uint8_t> encode_meta(const FrameMeta& m) {
  ByteWriter w;
  if (!m.title.empty()) put_field(w, kTitle, m.title);
  if (!m.uri.empty()) put_field(w, kUri, m.uri);
  for (const auto& t : m.tags) put_field(w, kTag, t);
  for (const auto& l : m.labels) put_field(w, kLabel, l);
  if (!m.metadata_json.empty()) put_field(w, kJson, m.metadata_json);
  if (m.parent) put_number(w, kParent, *m.parent);
  if (m.supersedes) put_number(w, kSupersedes, *m.supersedes);
  if (m.chunk_bytes) put_number(w, kChunkBytes, *m.chunk_bytes);
  if (m.chunk_overlap) put_number(w, kChunkOverlap, *m.chunk_overlap);
  if (m.facts_off) put_number(w, kFactsOff, 1);
  if (m.vectors_from_text) put_number(w, kVectorsFromText, 1);
  if (!m.passage_scales.empty()) {
    const std::size_t rows = m.passage_scales.size(), dim = m.passage_codes.size() / rows;
    if (dim == 0 || dim * rows != m.passage_codes.size() || dim > kMaxEmbeddingDimension)
      throw Error(ErrorCode::InvalidArgument, "passage vectors of uneven or out-of-range dimension");
    ByteWriter v;
    v.varint(dim);
    for (std::size_t r = 0; r < rows; ++r) {
      v.u32(std::bit_cast<std::uint32_t>(m.passage_scales[r]));
      v.bytes(reinterpret_cast<const std::uint8_t*>(m.passage_codes.data() + r * dim), dim);
    }
    w.varint(kPassageVectors);
    w.varint(v.size());
    w.bytes(v.buffer());
  }
  if (!m.embedding.empty()) {
    w.varint(kEmbedding);
    w.varint(m.embedding.size() * 4);
    for (float x : m.embedding) w.u32(std::bit_cast<std::uint32_t>(x));
  }
  return w.take();
}

std::uint32_t chunk_setting(std::uint64_t value, ByteReader& r) {
  if (value > kMaxChunkSetting) r.fail("chunk setting " + std::to_string(value) + " out of range");
  return static_cast<std::uint32_t>(value);
}

FrameMeta decode_meta(ByteReader& r) {
  FrameMeta m;
  while (!r.done()) {
    std::uint64_t tag = r.varint();
    std::uint64_t len = r.varint();
    if (len > r.remaining()) r.fail("metadata field " + std::to_string(tag) + " longer than the metadata");
    auto value = r.bytes(static_cast<std::size_t>(len));
    std::string text(reinterpret_cast<const char*>(value.data()), value.size());
    auto number = [&] {
      ByteReader n(value, "metadata number");
      return n.varint();
    };
    switch (tag) {
      case kTitle: m.title = std::move(text); break;
      case kUri: m.uri = std::move(text); break;
      case kTag: m.tags.push_back(std::move(text)); break;
      case kLabel: m.labels.push_back(std::move(text)); break;
      case kJson: m.metadata_json = std::move(text); break;
      case kParent: m.parent = number(); break;
      case kSupersedes: m.supersedes = number(); break;
      case kChunkBytes: m.chunk_bytes = chunk_setting(number(), r); break;
      case kChunkOverlap: m.chunk_overlap = chunk_setting(number(), r); break;
      case kFactsOff: m.facts_off = number() != 0; break;
      case kVectorsFromText: m.vectors_from_text = number() != 0; break;
      case kPassageVectors: {
        ByteReader v(value, "passage vectors");
        const std::uint64_t dim = v.varint();
        if (dim == 0 || dim > kMaxEmbeddingDimension || v.remaining() % (dim + 4) != 0 || v.remaining() == 0)
          r.fail("passage vectors field of " + std::to_string(len) + " bytes does not hold whole vectors of dimension " +
                 std::to_string(dim));
        const std::size_t rows = v.remaining() / static_cast<std::size_t>(dim + 4);
        m.passage_scales.resize(rows);
        m.passage_codes.resize(rows * static_cast<std::size_t>(dim));
        for (std::size_t i = 0; i < rows; ++i) {
          const float scale = std::bit_cast<float>(v.u32());
          if (!(scale >= 0 && scale <= 1)) r.fail("passage vector " + std::to_string(i) + " has a bad scale");
          m.passage_scales[i] = scale;
          auto codes = v.bytes(static_cast<std::size_t>(dim));
          std::memcpy(m.passage_codes.data() + i * dim, codes.data(), codes.size());
        }
        break;
      }
      case kEmbedding: {
        if (len % 4 != 0 || len / 4 > kMaxEmbeddingDimension)
          r.fail("embedding field of " + std::to_string(len) + " bytes is not a vector of at most " +
                 std::to_string(kMaxEmbeddingDimension) + " floats");
        ByteReader v(value, "embedding");
        m.embedding.resize(static_cast<std::size_t>(len / 4));
        for (float& x : m.embedding) x = std::bit_cast<float>(v.u32());
        break;
      }
      default: break;
    }
  }
  return m;
}
}  // namespace

std::vector<std::uint8_t> encode_frame_record(std::uint64_t frame_id, std::int64_t timestamp_ms, std::uint8_t kind,
                                              const FrameMeta& meta, std::span<const std::uint8_t> payload) {
  if (payload.size() > kMaxPayloadBytes)
    throw Error(ErrorCode::InvalidArgument, "payload of " + std::to_string(payload.size()) +
                                                " bytes exceeds the 1 GiB frame limit");
  std::vector<std::uint8_t> meta_bytes = encode_meta(meta);
  if (meta_bytes.size() > kMaxMetadataBytes)
    throw Error(ErrorCode::InvalidArgument, "frame metadata of " + std::to_string(meta_bytes.size()) +
                                                " bytes exceeds the 16 MiB limit");
  std::optional<std::vector<std::uint8_t>> packed = compress_if_smaller(payload);
  std::span<const std::uint8_t> stored = packed ? std::span<const std::uint8_t>(*packed) : payload;

  ByteWriter w;
  w.buffer().reserve(kFrameRecordHeaderSize + meta_bytes.size() + stored.size() + 16);
  w.bytes(kMagic, 4);
  w.u8(1);
  w.u8(packed ? 1 : 0);
  w.u8(kind);
  w.u8(0);
  w.u64(frame_id);
  w.i64(timestamp_ms);
  w.u64(payload.size());
  w.u64(stored.size());
  w.u32(static_cast<std::uint32_t>(meta_bytes.size()));
  w.u32(0);
  w.bytes(blake3(payload.data(), payload.size()));
  w.bytes(meta_bytes);
  w.bytes(stored);
  w.bytes(checksum16(w.buffer()));
  return w.take();
}

FrameRecord decode_frame_record(std::span<const std::uint8_t> bytes, std::uint64_t file_offset) {
  ByteReader r(bytes, "frame record", file_offset);
  if (bytes.size() < kFrameRecordHeaderSize + 16) r.fail("record of " + std::to_string(bytes.size()) + " bytes is too short");
  if (std::memcmp(bytes.data(), kMagic, 4) != 0) r.fail("bad magic");
  if (!checksum_matches(bytes.first(bytes.size() - 16), bytes.data() + bytes.size() - 16)) r.fail("checksum mismatch");
  r.skip(4);
  if (r.u8() != 1) r.fail("unknown frame record version");
  std::uint8_t encoding = r.u8();
  if (encoding > 1) r.fail("unknown payload encoding " + std::to_string(encoding));
  FrameRecord f;
  f.compressed = encoding == 1;
  f.kind = r.u8();
  r.skip(1);
  f.frame_id = r.u64();
  f.timestamp_ms = r.i64();
  f.raw_length = r.u64();
  std::uint64_t stored_length = r.u64();
  std::uint32_t meta_length = r.u32();
  r.skip(4);
  auto hash = r.bytes(32);
  std::copy(hash.begin(), hash.end(), f.content_hash.begin());
  if (f.raw_length > kMaxPayloadBytes) r.fail("payload length " + std::to_string(f.raw_length) + " over the limit");
  if (static_cast<std::uint64_t>(meta_length) + stored_length + kFrameRecordHeaderSize + 16 != bytes.size())
    r.fail("metadata and payload lengths do not add up to the record length");
  if (!f.compressed && stored_length != f.raw_length) r.fail("plain payload length differs from raw length");
  ByteReader meta(r.bytes(meta_length), "frame metadata", file_offset + kFrameRecordHeaderSize);
  f.meta = decode_meta(meta);
  auto stored = r.bytes(static_cast<std::size_t>(stored_length));
  f.stored_payload.assign(stored.begin(), stored.end());
  return f;
}

std::vector<std::uint8_t> frame_payload(const FrameRecord& record, std::uint64_t file_offset) {
  std::vector<std::uint8_t> raw = record.compressed
                                      ? decompress_exact(record.stored_payload, record.raw_length, file_offset)
                                      : record.stored_payload;
  auto hash = blake3(raw.data(), raw.size());
  if (hash != record.content_hash)
    throw Error(ErrorCode::Corrupt, "frame record at file offset " + std::to_string(file_offset) +
                                        ": payload does not match its content hash");
  return raw;
}

}  // namespace memvid::format
