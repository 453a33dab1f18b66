#include "reports/bundle/statement_shape.h"

#include <initializer_list>
#include <string>

#include "harness/core/bounded_file.h"
#include "reports/bundle/dsse.h"

namespace ra2cert::bundle {
namespace {
using nlohmann::json;

enum class Type { kString, kStringOrNull, kBool, kCount, kObject, kArray };

struct Field {
  const char* key;
  Type type;
  bool required = true;
};

const char* TypeName(Type type) {
  switch (type) {
    case Type::kString:
      return "text";
    case Type::kStringOrNull:
      return "text or null";
    case Type::kBool:
      return "a boolean";
    case Type::kCount:
      return "a non-negative integer";
    case Type::kObject:
      return "an object";
    case Type::kArray:
      return "a list";
  }
  return "?";
}

bool Is(const json& value, Type type) {
  switch (type) {
    case Type::kString:
      return value.is_string();
    case Type::kStringOrNull:
      return value.is_string() || value.is_null();
    case Type::kBool:
      return value.is_boolean();
    case Type::kCount:
      return value.is_number_unsigned();
    case Type::kObject:
      return value.is_object();
    case Type::kArray:
      return value.is_array();
  }
  return false;
}

Error ShapeError(const std::string& where, const std::string& problem) {
  return Error(where + " " + problem + " (not the statement ra2cert writes)");
}

// `value` is an object with exactly `fields` (optional ones may be absent), each of its type.
Status CheckObject(const json& value, const std::string& where,
                   std::initializer_list<Field> fields) {
  if (!value.is_object()) return ShapeError(where, "is not an object");
  for (const auto& [key, member] : value.items()) {
    bool known = false;
    for (const Field& field : fields) known = known || key == field.key;
    if (!known) return ShapeError(where, "has an unexpected field '" + PrintableExcerpt(key) + "'");
  }
  for (const Field& field : fields) {
    const auto found = value.find(field.key);
    const std::string path = where + "." + field.key;
    if (found == value.end()) {
      if (field.required) return ShapeError(path, "is missing");
      continue;
    }
    if (!Is(*found, field.type)) {
      return ShapeError(path,
                        std::string("is ") + found->type_name() + ", not " + TypeName(field.type));
    }
  }
  return Ok();
}

// Every element of the list at `where` is of `type`, or (for objects) has `fields`.
Status CheckList(const json& list, const std::string& where, Type type,
                 std::initializer_list<Field> fields = {}) {
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string at = where + "[" + std::to_string(i) + "]";
    if (type == Type::kObject) {
      if (auto checked = CheckObject(list[i], at, fields); !checked) return checked;
    } else if (!Is(list[i], type)) {
      return ShapeError(at, std::string("is ") + list[i].type_name() + ", not " + TypeName(type));
    }
  }
  return Ok();
}

bool IsSha256Hex(const std::string& text) {
  if (text.size() != 64) return false;
  for (const char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

Status CheckSubjects(const json& subjects) {
  if (auto checked = CheckList(subjects, "subject", Type::kObject,
                               {{"name", Type::kString}, {"digest", Type::kObject}});
      !checked) {
    return checked;
  }
  for (size_t i = 0; i < subjects.size(); ++i) {
    const std::string at = "subject[" + std::to_string(i) + "].digest";
    const json& digest = subjects[i]["digest"];
    if (auto checked = CheckObject(digest, at, {{"sha256", Type::kString}}); !checked) {
      return checked;
    }
    if (!IsSha256Hex(digest["sha256"].get<std::string>())) {
      return ShapeError(at + ".sha256", "is not 64 lowercase hex digits");
    }
  }
  return Ok();
}

Status CheckPredicate(const json& predicate) {
  if (auto checked = CheckObject(predicate, "predicate",
                                 {{"harness", Type::kObject},
                                  {"run", Type::kObject},
                                  {"verdict", Type::kObject},
                                  {"requirements", Type::kArray},
                                  {"declarations", Type::kArray}});
      !checked) {
    return checked;
  }
  // harness.json as HarnessFacts() writes it; bundles of older runs lack the catalogue.
  if (auto checked = CheckObject(predicate["harness"], "predicate.harness",
                                 {{"name", Type::kString},
                                  {"version", Type::kString},
                                  {"catalogue_sha256", Type::kString, false},
                                  {"catalogue_listing", Type::kString, false}});
      !checked) {
    return checked;
  }
  const json& run = predicate["run"];
  if (auto checked = CheckObject(run, "predicate.run",
                                 {{"environment", Type::kString},
                                  {"started", Type::kString},
                                  {"finished", Type::kStringOrNull},
                                  {"complete", Type::kBool},
                                  {"interrupted", Type::kBool},
                                  {"selection", Type::kObject},
                                  {"counts", Type::kObject}});
      !checked) {
    return checked;
  }
  for (const auto& [outcome, count] : run["counts"].items()) {
    if (!count.is_number_unsigned()) {
      return ShapeError("predicate.run.counts." + PrintableExcerpt(outcome),
                        std::string("is ") + count.type_name() + ", not " + TypeName(Type::kCount));
    }
  }
  // results.json's verdict; runs that stopped before the verdict have fewer fields.
  const json& verdict = predicate["verdict"];
  if (auto checked = CheckObject(verdict, "predicate.verdict",
                                 {{"profile", Type::kString, false},
                                  {"verdict", Type::kString, false},
                                  {"executed_cases", Type::kCount, false},
                                  {"must_total", Type::kCount, false},
                                  {"must_verified_pass", Type::kCount, false},
                                  {"must_verified_fail", Type::kCount, false},
                                  {"must_not_verified", Type::kCount, false},
                                  {"must_not_applicable", Type::kCount, false},
                                  {"must_not_covered", Type::kCount, false},
                                  {"blocking", Type::kArray, false},
                                  {"run_blockers", Type::kArray, false}});
      !checked) {
    return checked;
  }
  if (verdict.contains("blocking")) {
    if (auto checked = CheckList(
            verdict["blocking"], "predicate.verdict.blocking", Type::kObject,
            {{"id", Type::kString}, {"status", Type::kString}, {"reason", Type::kString}});
        !checked) {
      return checked;
    }
  }
  if (verdict.contains("run_blockers")) {
    if (auto checked =
            CheckList(verdict["run_blockers"], "predicate.verdict.run_blockers", Type::kString);
        !checked) {
      return checked;
    }
  }
  const json& requirements = predicate["requirements"];
  if (auto checked = CheckList(requirements, "predicate.requirements", Type::kObject,
                               {{"id", Type::kString},
                                {"kind", Type::kString},
                                {"status", Type::kString},
                                {"cases", Type::kArray}});
      !checked) {
    return checked;
  }
  for (size_t i = 0; i < requirements.size(); ++i) {
    if (auto checked =
            CheckList(requirements[i]["cases"],
                      "predicate.requirements[" + std::to_string(i) + "].cases", Type::kString);
        !checked) {
      return checked;
    }
  }
  const json& declarations = predicate["declarations"];
  if (auto checked = CheckList(declarations, "predicate.declarations", Type::kObject,
                               {{"requirement", Type::kString},
                                {"status", Type::kString},
                                {"statement", Type::kString}});
      !checked) {
    return checked;
  }
  for (size_t i = 0; i < declarations.size(); ++i) {
    if (declarations[i]["status"] != "declared") {
      return ShapeError("predicate.declarations[" + std::to_string(i) + "].status",
                        "is not 'declared' (a declaration is never verified)");
    }
  }
  return Ok();
}

}  // namespace

Status CheckStatementShape(const json& statement) {
  if (auto checked = CheckObject(statement, "the statement",
                                 {{"_type", Type::kString},
                                  {"subject", Type::kArray},
                                  {"predicateType", Type::kString},
                                  {"predicate", Type::kObject}});
      !checked) {
    return checked;
  }
  if (statement["_type"] != kStatementType) {
    return Error("_type is '" + PrintableExcerpt(statement["_type"].get<std::string>()) +
                 "', not " + kStatementType);
  }
  if (statement["predicateType"] != kPredicateType) {
    return Error("predicateType is '" +
                 PrintableExcerpt(statement["predicateType"].get<std::string>()) + "', not " +
                 kPredicateType);
  }
  if (auto checked = CheckSubjects(statement["subject"]); !checked) return checked;
  return CheckPredicate(statement["predicate"]);
}

}  // namespace ra2cert::bundle
