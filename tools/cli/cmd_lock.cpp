// memvid lock FILE [-o OUT] [--password-env VAR] [--force]
// memvid unlock FILE.mv2e [-o OUT] [--password-env VAR] [--force]
// Encrypted capsules: the whole memory sealed under a password (memvid/integrity.hpp).
// MEMVID_CAPSULE_KDF=min makes `lock` use Argon2id's minimum cost; it exists for tests,
// which would otherwise spend a second and 256 MiB per capsule. Never use it for real data.
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>

#include "commands.hpp"
#include "memvid/integrity.hpp"
#include "output.hpp"
#include "password.hpp"

namespace memvid::cli {
namespace {

struct CapsuleArgs {
  std::string input;
  std::string output;
  std::string password_env;
  bool force = false;
};

void add_capsule_flags(CLI::App& cmd, CapsuleArgs& args, const char* input_help, const char* output_help) {
  cmd.add_option("FILE", args.input, input_help)->required();
  cmd.add_option("-o,--output", args.output, output_help)->type_name("OUT");
  cmd.add_option("--password-env", args.password_env,
                 "Environment variable holding the password (default: MEMVID_PASSWORD when set, else the password "
                 "is asked on the terminal)")
      ->type_name("VAR");
  cmd.add_flag("--force", args.force, "Replace OUT if it exists");
}

bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Argon2id at its minimum cost, for tests only (see the top of this file).
CapsuleOptions kdf_from_environment() {
  CapsuleOptions options;
  const char* kdf = std::getenv("MEMVID_CAPSULE_KDF");
  if (!kdf || !*kdf) return options;
  if (std::string_view(kdf) != "min")
    throw Error(ErrorCode::InvalidArgument, std::string("MEMVID_CAPSULE_KDF must be 'min' or unset, not '") + kdf + "'");
  options.ops_limit = 1;     // crypto_pwhash_argon2id_OPSLIMIT_MIN
  options.mem_limit = 8192;  // crypto_pwhash_argon2id_MEMLIMIT_MIN
  return options;
}

using CapsuleFn = void (*)(const std::string&, const std::string&, std::string_view, const CapsuleOptions&);

void run_capsule(const CapsuleArgs& args, const GlobalOptions& global, CapsuleOptions options, CapsuleFn fn,
                 bool confirm, const char* verb) {
  options.overwrite = args.force;
  // The library checks these too, but only after the password has been typed.
  if (!std::filesystem::exists(args.input)) throw Error(ErrorCode::NotFound, args.input + " does not exist");
  if (!args.force && std::filesystem::exists(args.output))
    throw Error(ErrorCode::AlreadyExists, args.output + " already exists (overwrite it with --force)");
  std::string password = read_password(args.password_env, "Password for " + args.input + ": ", confirm);
  const auto start = std::chrono::steady_clock::now();
  try {
    fn(args.input, args.output, password, options);
  } catch (...) {
    wipe(password);
    throw;
  }
  wipe(password);
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  const std::uintmax_t bytes_in = std::filesystem::file_size(args.input);
  const std::uintmax_t bytes_out = std::filesystem::file_size(args.output);
  if (global.json) {
    print_json({{"input", args.input},
                {"output", args.output},
                {"bytes_in", bytes_in},
                {"bytes_out", bytes_out},
                {"elapsed_ms", ms}});
    return;
  }
  std::cout << verb << ' ' << args.input << " -> " << args.output << " (" << bytes_in << " -> " << bytes_out
            << " bytes, " << static_cast<long long>(ms) << " ms)\n";
}

}  // namespace

void add_lock_command(CLI::App& app, GlobalOptions& global, Registry& registry) {
  auto args = std::make_shared<CapsuleArgs>();
  CLI::App* cmd = app.add_subcommand("lock", "Encrypt a memory into a password-protected capsule (.mv2e)");
  add_capsule_flags(*cmd, *args, "The .mv2 memory file to encrypt (it is left as it is)",
                    "The capsule to write (default: FILE.mv2e, i.e. notes.mv2 -> notes.mv2e)");
  add_json_flag(*cmd, global);

  registry.push_back({cmd, [args, &global] {
                        if (args->output.empty()) args->output = args->input + (ends_with(args->input, ".mv2") ? "e" : ".mv2e");
                        run_capsule(*args, global, kdf_from_environment(), lock_file, true, "locked");
                      }});
}

void add_unlock_command(CLI::App& app, GlobalOptions& global, Registry& registry) {
  auto args = std::make_shared<CapsuleArgs>();
  CLI::App* cmd = app.add_subcommand("unlock", "Decrypt a capsule (.mv2e) back into a memory (.mv2)");
  add_capsule_flags(*cmd, *args, "The .mv2e capsule to decrypt",
                    "The memory to write, readable by its owner only (default: FILE without its trailing 'e', "
                    "i.e. notes.mv2e -> notes.mv2)");
  add_json_flag(*cmd, global);

  registry.push_back({cmd, [args, &global] {
                        if (args->output.empty()) {
                          if (!ends_with(args->input, ".mv2e"))
                            throw Error(ErrorCode::InvalidArgument,
                                        args->input + " does not end in .mv2e: name the output with -o OUT");
                          args->output = args->input.substr(0, args->input.size() - 1);
                        }
                        // The capsule records the Argon2id cost it was locked with.
                        run_capsule(*args, global, CapsuleOptions{}, unlock_file, false, "unlocked");
                      }});
}

}  // namespace memvid::cli
