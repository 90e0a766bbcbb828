#pragma once
// The committed TOC as the store reads it: the segments the last checkpoint named, read in
// place block by block (format/toc_segment), under the entries committed since (replayed
// from the WAL or written by this handle). A look-up costs the blocks it reads, so a query on
// a memory of a million frames decodes the entries of its hits, not the whole TOC.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "format/toc.hpp"
#include "format/toc_segment.hpp"

namespace memvid::store {

using SegmentReaders = std::vector<std::shared_ptr<const format::TocSegmentReader>>;

class TocTable {
 public:
  TocTable() = default;
  // frames: the committed frame count; segments: oldest first (a newer segment's entry of a
  // frame wins); path names the file in messages.
  void reset(std::uint64_t frames, SegmentReaders segments, std::string path);
  // After a checkpoint: the segments now hold every entry, and the entries kept above them
  // are let go.
  void replace_segments(SegmentReaders segments);

  std::uint64_t size() const { return size_; }
  // Frame id's newest entry (id < size()); InvalidToc when no segment holds it. Valid until
  // the next put, truncate or reset.
  const format::TocEntry& at(std::uint64_t id) const;
  // A committed change of frame e.frame_id, or a new frame when e.frame_id == size().
  void put(const format::TocEntry& e);
  // Forgets frames from `frames` on (a rolled-back commit's new frames).
  void truncate(std::uint64_t frames);
  // Every frame's entry in id order.
  void visit(const std::function<void(const format::TocEntry&)>& fn) const;
  const SegmentReaders& segments() const { return segments_; }

 private:
  [[noreturn]] void missing(std::uint64_t id) const;

  std::string path_;
  std::uint64_t size_ = 0;
  std::uint64_t base_ = 0;  // frames [0, base_) were in the file when the segments were named
  SegmentReaders segments_;
  std::unordered_map<std::uint64_t, format::TocEntry> changed_;  // ids < base_, changed since
  std::vector<format::TocEntry> appended_;                        // ids base_ .. size_
};

}  // namespace memvid::store
