#pragma once
// The password of `lock` and `unlock`: from an environment variable (for scripts), else typed
// on the terminal without echo.
#include <string>

namespace memvid::cli {

// env_var: the --password-env value, "" when not given (then $MEMVID_PASSWORD is used if
// set). Asks on /dev/tty otherwise, twice when confirm (they must match). Throws
// InvalidArgument for an empty password, a mismatch, or no variable and no terminal.
std::string read_password(const std::string& env_var, const std::string& prompt, bool confirm);

// Overwrites the password's bytes once it has been used.
void wipe(std::string& secret) noexcept;

}  // namespace memvid::cli
