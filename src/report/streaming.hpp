// Private to the report layer: the one implementation of `streaming_writer<Study>`
// (attune/report/rows.hpp). Each study's report file specializes `detail::streamed_rows<Study>`
// (its name, columns, JSON head, rows of a chunk, JSON tail and table footer), includes this file
// and instantiates the writer (`template class streaming_writer<Study>;`).
#pragma once

#include <memory>
#include <string>

#include "attune/core/error.hpp"
#include "attune/report/rows.hpp"
#include "report/document.hpp"

ATTUNE_BEGIN_NAMESPACE
namespace detail {

/// What a study's report gives the streaming writer (specialized per study):
///   static constexpr const char* name;                       // "score", "classify", "quality"
///   static std::vector<row_column> columns(const Study&);
///   static json head(const Study&);                          // the JSON document's head
///   struct shape; static shape shape_of(const Study& head);  // what the rows need of the head,
///                                                            // and state kept across chunks
///   static void rows(row_writer&, [const] shape&, const streaming_chunk<Study>::type&);
///   static json tail(const Study&);                          // the JSON document's tail
///   static std::string footer(const Study&);                 // the table's summary
template <class Study>
struct streamed_rows;

/// Refuses to render the rows of a study that counts `n_rows` but holds fewer: the study a
/// streaming call returns (`classify_file`, `quality_file`) keeps its counts and summary, its rows
/// went to the caller chunk by chunk. Reading past its vectors was a crash.
inline void require_rows_held(const char* kind, std::size_t n_rows, std::size_t held) {
  if (held >= n_rows) return;
  throw error(errc::invalid_argument,
              std::string(kind) + " study of " + std::to_string(n_rows) + " rows holds " + std::to_string(held) +
                  " of them: a study returned by a streaming call keeps the counts and the summary only; render "
                  "each chunk as it comes (the streaming writer, attune/report/rows.hpp), or compute the study "
                  "in memory",
              {.rule = "rows_not_held"});
}

/// The writer's row writer (score's whole-study `write_report` writes its rows through it).
struct streaming_access {
  template <class Study>
  static row_writer& writer(streaming_writer<Study>& w) {
    return w.impl_->writer;
  }
};

}  // namespace detail

template <class Study>
struct streaming_writer<Study>::impl {
  impl(std::ostream& out, output_format f, const Study& head, const row_options& rows)
      : format(f), writer(out, f, detail::streamed_rows<Study>::columns(head)),
        shape(detail::streamed_rows<Study>::shape_of(head)) {
    using report = detail::streamed_rows<Study>;
    writer.select(rows.columns, report::name);
    writer.begin(f == output_format::json ? detail::document_head(report::name, report::head(head)) : std::string());
  }
  output_format format;
  detail::row_writer writer;
  typename detail::streamed_rows<Study>::shape shape;
};

template <class Study>
streaming_writer<Study>::streaming_writer(std::ostream& out, output_format format, const Study& head,
                                          const row_options& rows)
    : impl_(std::make_unique<impl>(out, format, head, rows)) {}

template <class Study>
streaming_writer<Study>::~streaming_writer() = default;

template <class Study>
void streaming_writer<Study>::write(const chunk_type& chunk) {
  detail::streamed_rows<Study>::rows(impl_->writer, impl_->shape, chunk);
  impl_->writer.flush();
}

template <class Study>
void streaming_writer<Study>::format(const chunk_type& chunk, std::string& text) const
  requires std::is_same_v<Study, score_study>
{
  detail::row_writer fragment(impl_->writer, std::move(text));
  detail::streamed_rows<Study>::rows(fragment, impl_->shape, chunk);
  fragment.take(text);
}

template <class Study>
void streaming_writer<Study>::write_formatted(const std::string& text)
  requires std::is_same_v<Study, score_study>
{
  impl_->writer.append(text);
}

template <class Study>
void streaming_writer<Study>::finish(const Study& study) {
  using report = detail::streamed_rows<Study>;
  impl_->writer.end(impl_->format == output_format::json ? detail::document_tail(report::tail(study)) : std::string(),
                    impl_->format == output_format::table ? report::footer(study) : std::string());
}

ATTUNE_END_NAMESPACE
