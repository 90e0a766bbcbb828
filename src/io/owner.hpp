#pragma once
// The writer lock and the owner record beside it in the header page.
#include <optional>
#include <string>

#include "format/owner_record.hpp"
#include "memvid/env.hpp"
#include "memvid/error.hpp"
#include "memvid/results.hpp"

namespace memvid::io {

// Takes the exclusive writer lock, retrying until timeout_ms; throws Locked naming the
// owner's pid and command from the owner record.
void acquire_writer_lock(File& file, Env& env, const std::string& path, int timeout_ms);
// Takes the shared reader lock (only a compaction ever holds it exclusively).
void acquire_reader_lock(File& file, Env& env, const std::string& path, int timeout_ms);

void write_owner_record(File& file, const format::OwnerRecord& record);
void clear_owner_record(File& file);
OwnerInfo read_owner_info(File& file);

bool nudge_requested(File& file);
void set_nudge_flag(File& file, bool on);

// This process's command line, for the owner record.
std::string current_command_line();
std::string current_host_name();

}  // namespace memvid::io
