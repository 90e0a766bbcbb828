#include "crypto/staged_file.hpp"

namespace memvid::crypto {

StagedFile::StagedFile(std::shared_ptr<Env> env, std::string dest, unsigned mode)
    : env_(std::move(env)), dest_(std::move(dest)) {
  temp_ = env_->create_temp(dest_, mode);
  try {
    file_ = env_->open(temp_, OpenMode::ReadWrite);
  } catch (...) {
    env_->discard_temp(temp_);
    throw;
  }
}

StagedFile::~StagedFile() {
  if (committed_) return;
  file_.reset();
  try {
    env_->discard_temp(temp_);
  } catch (...) {
    // Nothing was put in place; an unnamed temporary file vanishes with its descriptor.
  }
}

void StagedFile::write(const void* data, std::size_t len) {
  file_->write_at(size_, data, len);
  size_ += len;
}

void StagedFile::commit(bool overwrite) {
  file_.reset();
  env_->commit_temp(temp_, dest_, overwrite);
  committed_ = true;
}

}  // namespace memvid::crypto
