#include "store/toc_table.hpp"

#include "memvid/error.hpp"

namespace memvid::store {

using format::TocEntry;

void TocTable::reset(std::uint64_t frames, SegmentReaders segments, std::string path) {
  path_ = std::move(path);
  size_ = base_ = frames;
  segments_ = std::move(segments);
  changed_.clear();
  appended_.clear();
}

void TocTable::replace_segments(SegmentReaders segments) {
  segments_ = std::move(segments);
  base_ = size_;
  changed_.clear();
  appended_.clear();
  appended_.shrink_to_fit();
}

void TocTable::missing(std::uint64_t id) const {
  throw Error(ErrorCode::InvalidToc, path_ + ": frame " + std::to_string(id) + " has no TOC entry");
}

const TocEntry& TocTable::at(std::uint64_t id) const {
  if (id >= base_) return appended_[id - base_];
  if (!changed_.empty()) {
    auto it = changed_.find(id);
    if (it != changed_.end()) return it->second;
  }
  for (auto s = segments_.rbegin(); s != segments_.rend(); ++s)
    if (const TocEntry* e = (*s)->find(id)) return *e;
  missing(id);
}

void TocTable::put(const TocEntry& e) {
  if (e.frame_id == size_) {
    appended_.push_back(e);
    ++size_;
  } else if (e.frame_id >= base_) {
    appended_[e.frame_id - base_] = e;
  } else {
    changed_[e.frame_id] = e;
  }
}

void TocTable::truncate(std::uint64_t frames) {
  if (frames >= size_) return;
  if (frames < base_) {
    // Not reached by the store (a commit only appends past the committed count); kept exact.
    for (auto it = changed_.begin(); it != changed_.end();) it = it->first >= frames ? changed_.erase(it) : std::next(it);
    base_ = frames;
    appended_.clear();
  } else {
    appended_.resize(frames - base_);
  }
  size_ = frames;
}

void TocTable::visit(const std::function<void(const TocEntry&)>& fn) const {
  // One pass over each segment, oldest first, then the entries above them: the newest entry
  // of every frame, without a look-up per frame.
  std::vector<const TocEntry*> newest(base_, nullptr);
  for (const auto& s : segments_)
    s->visit([&](const TocEntry& e) {
      if (e.frame_id < base_) newest[e.frame_id] = &e;
    });
  for (const auto& [id, e] : changed_) newest[id] = &e;
  for (std::uint64_t id = 0; id < base_; ++id) {
    if (!newest[id]) missing(id);
    fn(*newest[id]);
  }
  for (const TocEntry& e : appended_) fn(e);
}

}  // namespace memvid::store
