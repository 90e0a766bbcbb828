#pragma once
// Recording a Warning (memvid/error.hpp) for the calling thread: any layer may call warn()
// where a step after a commit fails, instead of throwing an error that would tell the caller
// the committed work had failed.
#include <string>

#include "memvid/error.hpp"

namespace memvid::io {

void warn(ErrorCode code, std::string step, std::string message);

// "committed, but ...": the standard sentence for a step that failed after the data was in.
// what: the step ("the checkpoint that folds it into the table of contents"); error: why.
void warn_after_commit(const char* step, const std::string& what, const Error& error, const std::string& consequence);

}  // namespace memvid::io
