// Private to the keys and report layers: an item bank as the JSON object of its file
// (`attune-item-bank/1`, docs/irt.md), for `item_bank_to_json` and for the bank document of a
// calibration (report/irt.cpp adds the fit report under "fit").
#pragma once

#include <nlohmann/json.hpp>

#include "attune/keys/item_bank.hpp"

ATTUNE_BEGIN_NAMESPACE
namespace detail {

/// The bank's members in file order (format, model, parameterisation, D, instrument, provenance,
/// licence, notes when not empty, items). @throws attune::error (bad_input) for an invalid bank.
nlohmann::ordered_json item_bank_document(const item_bank& bank);

}  // namespace detail
ATTUNE_END_NAMESPACE
