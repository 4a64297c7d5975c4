// Output files never destroy data (issue 10, F13 and F14): atomic replacement of regular files,
// symlinks followed, devices and FIFOs written through, inputs refused by device and inode.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "attune/core/error.hpp"
#include "attune/io/output_file.hpp"
#include "test_support.hpp"

namespace {

namespace fs = std::filesystem;
using attune::test::expect_error;
using attune::test::read_file;
using attune::test::run_cli;
using attune::test::temp_path;
using attune::test::write_file;

// A fresh, empty directory for one test.
std::string fresh_dir(const std::string& name) {
  const std::string d = temp_path(name);
  fs::create_directories(d);
  return d;
}

std::vector<std::string> names_in(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

TEST(OutputFile, CommitPutsTheFileInPlace) {
  const std::string d = fresh_dir("of_commit");
  attune::output_file out(d + "/a.txt");
  out.write("hello ");
  out.stream() << 42 << "\n";
  EXPECT_FALSE(out.writes_through());
  EXPECT_EQ(names_in(d).size(), 1u);  // the temporary file only
  EXPECT_FALSE(fs::exists(d + "/a.txt"));
  out.commit();
  EXPECT_EQ(read_file(d + "/a.txt"), "hello 42\n");
  EXPECT_EQ(names_in(d), std::vector<std::string>{"a.txt"});
}

TEST(OutputFile, WithoutCommitTheOldFileStaysAndNoTemporaryIsLeft) {
  const std::string d = fresh_dir("of_abandon");
  write_file(d + "/a.txt", "old");
  {
    attune::output_file out(d + "/a.txt");
    out.write("new, partial");
  }
  EXPECT_EQ(read_file(d + "/a.txt"), "old");
  EXPECT_EQ(names_in(d), std::vector<std::string>{"a.txt"});
}

TEST(OutputFile, ReplacementKeepsThePermissions) {
  const std::string d = fresh_dir("of_mode");
  write_file(d + "/a.txt", "old");
  ASSERT_EQ(::chmod((d + "/a.txt").c_str(), 0640), 0);
  attune::write_output_file(d + "/a.txt", "new");
  struct stat st{};
  ASSERT_EQ(::stat((d + "/a.txt").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0640u);
  EXPECT_EQ(read_file(d + "/a.txt"), "new");
}

TEST(OutputFile, AnInputIsRefusedWhateverItsSpelling) {
  // F13: -o naming the input replaced it with the scores. Same device and inode: the same path,
  // another spelling, a hard link, a symlink to it; also standard input redirected from it.
  const std::string d = fresh_dir("of_input");
  const std::string in = d + "/data.csv";
  write_file(in, "id,Q1\n1,2\n");
  fs::create_hard_link(in, d + "/hard.csv");
  fs::create_symlink(in, d + "/soft.csv");
  attune::output_file_options o;
  o.inputs = {"ecr-r", in};  // a built-in id names no file and is ignored
  for (const std::string& target : {in, d + "/./data.csv", d + "/hard.csv", d + "/soft.csv"}) {
    SCOPED_TRACE(target);
    expect_error([&] { attune::write_output_file(target, "scores", o); }, attune::errc::invalid_argument,
                 {"is the input '", "would replace the data being read"});  // a long path is shortened in the message
    EXPECT_EQ(read_file(in), "id,Q1\n1,2\n");
  }
  // "-" as an input: standard input, here redirected from the file.
  const int saved = ::dup(STDIN_FILENO);
  const int fd = ::open(in.c_str(), O_RDONLY);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::dup2(fd, STDIN_FILENO), STDIN_FILENO);
  ::close(fd);
  attune::output_file_options stdin_input;
  stdin_input.inputs = {"-"};
  expect_error([&] { attune::write_output_file(in, "scores", stdin_input); }, attune::errc::invalid_argument,
               "(standard input)");
  ::dup2(saved, STDIN_FILENO);
  ::close(saved);
  EXPECT_EQ(read_file(in), "id,Q1\n1,2\n");
  EXPECT_EQ(names_in(d), (std::vector<std::string>{"data.csv", "hard.csv", "soft.csv"}));
  // Another file in the same folder is fine.
  attune::write_output_file(d + "/scores.csv", "scores", o);
  EXPECT_EQ(read_file(d + "/scores.csv"), "scores");
}

TEST(OutputFile, SymlinksAreFollowedAndStayLinks) {
  // F14: the rename replaced a symlink (even a dangling one) with a regular file.
  const std::string d = fresh_dir("of_links");
  write_file(d + "/real.txt", "old");
  fs::create_symlink("real.txt", d + "/link.txt");  // relative, as ln -s makes it
  attune::write_output_file(d + "/link.txt", "through the link");
  EXPECT_TRUE(fs::is_symlink(d + "/link.txt"));
  EXPECT_EQ(read_file(d + "/real.txt"), "through the link");
  fs::create_symlink(d + "/sub/new.txt", d + "/dangling.txt");
  fs::create_directories(d + "/sub");
  attune::output_file out(d + "/dangling.txt");
  EXPECT_EQ(out.target(), d + "/sub/new.txt");
  out.write("created");
  out.commit();
  EXPECT_TRUE(fs::is_symlink(d + "/dangling.txt"));
  EXPECT_EQ(read_file(d + "/sub/new.txt"), "created");
  EXPECT_EQ(names_in(d + "/sub"), std::vector<std::string>{"new.txt"});
}

TEST(OutputFile, DevicesAreWrittenThrough) {
  // F14: as root, -o /dev/null would have replaced the device with a regular file. (The test only
  // writes to /dev/null; it never tries to replace it.)
  attune::output_file out("/dev/null");
  EXPECT_TRUE(out.writes_through());
  out.write("discarded");
  out.commit();
  EXPECT_TRUE(fs::is_character_file("/dev/null"));
}

TEST(OutputFile, FifosAreWrittenThrough) {
  const std::string d = fresh_dir("of_fifo");
  const std::string fifo = d + "/pipe";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  std::string received;
  std::thread reader([&] { received = read_file(fifo); });
  attune::write_output_file(fifo, "through the pipe\n");
  reader.join();
  EXPECT_EQ(received, "through the pipe\n");
  EXPECT_TRUE(fs::is_fifo(fifo));
  EXPECT_EQ(names_in(d), std::vector<std::string>{"pipe"});
}

TEST(OutputFile, ErrorsNameThePathAndTheReason) {
  const std::string d = fresh_dir("of_errors");
  expect_error([&] { attune::write_output_file(d, "x"); }, attune::errc::io_error, "is a directory");
  expect_error([&] { attune::write_output_file(d + "/no/such/dir/x.csv", "x"); }, attune::errc::io_error,
               {"x.csv: cannot open for writing", "No such file or directory"});
  if (std::filesystem::exists("/dev/full")) {
    expect_error([] { attune::write_output_file("/dev/full", std::string(1 << 17, 'x')); }, attune::errc::io_error,
                 {"/dev/full: write failed", "No space left on device"});
  }
  EXPECT_TRUE(names_in(d).empty());
}

TEST(OutputFile, StandardOutput) {
  attune::output_file out("-");
  EXPECT_TRUE(out.writes_through());
  EXPECT_EQ(&out.stream(), &std::cout);
  out.commit();
}

// ---------------------------------------------------------------------------------------------
// The command line

const std::string kSample = attune::test::source_path("examples/data/ecr-r-sample.csv");

TEST(CliOutputFile, OutputNamingTheInputExitsOneAndLeavesItByteIdentical) {
  const std::string d = fresh_dir("cli_of_input");
  const std::string data = d + "/x.csv";
  fs::copy_file(kSample, data);
  const std::string before = read_file(data);
  for (const std::string format : {"csv", "json", "table"}) {
    SCOPED_TRACE(format);
    const auto r = run_cli("score '" + data + "' --instrument ecr-r --format " + format + " -o '" + d + "/./x.csv'");
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("would replace the data being read"), std::string::npos) << r.err;
    EXPECT_EQ(read_file(data), before);
  }
  // Standard input redirected from the file is the same file.
  const auto r = run_cli("score - --instrument ecr-r -o '" + data + "' < '" + data + "'");
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(read_file(data), before);
  for (const std::string cmd : {"reliability", "quality"}) {
    const auto q = run_cli(cmd + " '" + data + "' --instrument ecr-r -o '" + data + "'");
    EXPECT_EQ(q.exit_code, 1) << cmd << ": " << q.err;
    EXPECT_EQ(read_file(data), before) << cmd;
  }
  EXPECT_EQ(names_in(d), std::vector<std::string>{"x.csv"});
}

TEST(CliOutputFile, OutputThroughASymlinkWritesTheLinksTarget) {
  const std::string d = fresh_dir("cli_of_link");
  write_file(d + "/scores.csv", "old\n");
  fs::create_symlink(d + "/scores.csv", d + "/link.csv");
  const auto r = run_cli("score '" + kSample + "' --instrument ecr-r -o '" + d + "/link.csv'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(fs::is_symlink(d + "/link.csv"));
  const auto direct = run_cli("score '" + kSample + "' --instrument ecr-r");
  EXPECT_EQ(read_file(d + "/scores.csv"), direct.out);
}

TEST(CliOutputFile, OutputToAFifoIsWrittenThrough) {
  const std::string d = fresh_dir("cli_of_fifo");
  const std::string fifo = d + "/pipe";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  std::string received;
  std::thread reader([&] { received = read_file(fifo); });
  const auto r = run_cli("score '" + kSample + "' --instrument ecr-r -o '" + fifo + "'");
  reader.join();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(received, run_cli("score '" + kSample + "' --instrument ecr-r").out);
  EXPECT_TRUE(fs::is_fifo(fifo));
  const auto null = run_cli("score '" + kSample + "' --instrument ecr-r -o /dev/null");
  EXPECT_EQ(null.exit_code, 0) << null.err;
  EXPECT_TRUE(fs::is_character_file("/dev/null"));
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Output paths that cannot be written (issue 18, item 7): a directory, a read-only folder, a full
// disk. Exit status 1, the path and the reason in the message, the old file intact, no temporary.

namespace {

struct mounted_tmpfs {
  std::string dir;
  bool ok = false;
  // A small tmpfs at `dir` (we run as root in CI); `ok` false where mount is not allowed.
  mounted_tmpfs(std::string d, const std::string& options) : dir(std::move(d)) {
    ok = std::system(("mount -t tmpfs -o " + options + " attune_test '" + dir + "' 2>/dev/null").c_str()) == 0;
  }
  ~mounted_tmpfs() {
    if (ok) (void)std::system(("umount '" + dir + "'").c_str());
  }
  mounted_tmpfs(const mounted_tmpfs&) = delete;
  mounted_tmpfs& operator=(const mounted_tmpfs&) = delete;
};

}  // namespace

TEST(CliOutputFile, OutputThatIsADirectoryExitsOne) {
  const std::string d = fresh_dir("cli_of_dir");
  fs::create_directories(d + "/out");
  const auto r = run_cli("score '" + kSample + "' --instrument ecr-r -o '" + d + "/out'");
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("out: is a directory"), std::string::npos) << r.err;
  EXPECT_TRUE(fs::is_directory(d + "/out"));
  EXPECT_TRUE(fs::is_empty(d + "/out"));
  EXPECT_EQ(names_in(d), std::vector<std::string>{"out"});
}

TEST(CliOutputFile, ReadOnlyFolderExitsOneAndLeavesTheOldFile) {
  const std::string d = fresh_dir("cli_of_readonly");
  write_file(d + "/scores.csv", "old\n");
  // Root writes through permission bits: a read-only mount is what refuses root.
  std::unique_ptr<mounted_tmpfs> ro;
  if (::geteuid() == 0) {
    ro = std::make_unique<mounted_tmpfs>(d, "ro,size=64k");
    if (!ro->ok) GTEST_SKIP() << "cannot mount a read-only tmpfs here (needs root and mount)";
  } else {
    fs::permissions(d, fs::perms::owner_read | fs::perms::owner_exec);
  }
  const std::string target = d + "/scores.csv";
  const auto r = run_cli("score '" + kSample + "' --instrument ecr-r -o '" + target + "'");
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("scores.csv"), std::string::npos) << r.err;
  EXPECT_TRUE(r.err.find("Read-only file system") != std::string::npos || r.err.find("Permission denied") != std::string::npos)
      << r.err;
  if (!ro) {
    EXPECT_EQ(read_file(target), "old\n");
    fs::permissions(d, fs::perms::owner_all);
  } else {
    EXPECT_TRUE(fs::is_empty(d));  // the mount hides the old file; nothing was written into it
  }
}

TEST(CliOutputFile, FullDiskExitsOneAndLeavesNoPartialFile) {
  const std::string d = fresh_dir("cli_of_full");
  mounted_tmpfs disk(d, "size=8k");
  if (!disk.ok) GTEST_SKIP() << "cannot mount a tmpfs here (needs root and mount)";
  write_file(d + "/scores.csv", "old\n");
  // The scores of the sample (about 50 KB as JSON) do not fit in 8 KB.
  for (const std::string format : {"csv", "json"}) {
    SCOPED_TRACE(format);
    const auto r = run_cli("score '" + kSample + "' --instrument ecr-r --format " + format + " --id id -o '" + d + "/scores.csv'");
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("No space left on device"), std::string::npos) << r.err;
    EXPECT_EQ(read_file(d + "/scores.csv"), "old\n");
    EXPECT_EQ(names_in(d), std::vector<std::string>{"scores.csv"});
  }
}
