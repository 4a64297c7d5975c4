/// @file option_info.hpp
/// The options of a study described for front ends that set them from text (study layer).
///
/// A command line, a web form or a binding's keyword arguments give options as text. Each study's
/// `describe_options(options)` lists the members of its options struct that such a front end
/// sets: the option's name, the field it sets, one line of help, the form and current value of
/// its text, and a setter that parses the text into the struct. The `attune` command line builds
/// its flags from these lists (`--NAME`), so the help, the defaults and the parsing rules are
/// stated once, here in the library, for every front end.
///
///     quality_study_options o;
///     for (option_info& opt : describe_options(o.quality))
///       if (opt.name == "irv-min") opt.set({"0.5"});  // o.quality.irv_min == 0.5
///
/// What a list leaves out: members a front end fills itself (file contents such as an item bank,
/// callbacks, `threads`, `input`: see `describe_options(input_options&)`).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "attune/core/config.hpp"

ATTUNE_BEGIN_NAMESPACE

/// One option a front end sets from text. The setter is bound to the options struct the list was
/// described from: the entry is valid while that struct lives, and is used on one thread at a time.
struct ATTUNE_EXPORT option_info {
  /// How the option takes its text.
  enum class form_kind {
    value,   ///< one text ("0.5")
    list,    ///< a list of texts, one per entry (a command line splits "a,b" at the commas)
    toggle,  ///< no text: giving the option sets it (a command-line flag)
  };
  std::string name;   ///< "irv-min": lower-case words joined by '-'; unique within a study's lists
  std::string field;  ///< the member it sets, as `error_details::option` names it ("quality_options.irv_min")
  std::string help;   ///< what it does, in one line
  form_kind form = form_kind::value;
  std::string value_type = "TEXT";          ///< the text's form for usage lines: FLOAT, INT, UINT or TEXT
  std::optional<std::string> default_text;  ///< the member's value when described, as text; none when it has none
  std::vector<std::string> choices;         ///< the accepted texts where they are a fixed set (an enum), in order
  /// Parses `texts` (one for `value`, the entries for `list`, none for `toggle`) into the member.
  /// @throws attune::error (invalid_argument) "NAME 'TEXT': what is expected", with
  ///         `details().option` = `field` and `details().value` = the text.
  std::function<void(const std::vector<std::string>& texts)> set;
};

/// The options of one study, in the order a front end shows them.
using option_list = std::vector<option_info>;

ATTUNE_END_NAMESPACE
