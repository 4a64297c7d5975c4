// A student's walk-through of the four attachment styles on the anxiety x avoidance plane.
//
// Adult attachment is measured on two dimensions: attachment ANXIETY (worry about rejection and
// abandonment) and attachment AVOIDANCE (discomfort with closeness and depending on others).
// The four "styles" are regions of that plane:
//
//                 low avoidance      high avoidance
//   high anxiety  preoccupied        fearful(-avoidant)
//   low anxiety   secure             dismissing(-avoidant)
//
// This program draws the plane twice: once split at the scale midpoint (4 on a 1-7 scale), once
// by Brennan, Clark & Shaver's (1998) classification functions for the ECR. The functions' secure
// region stops short of the midpoint on both dimensions (and the fearful region is the largest);
// the program measures where, from the functions themselves. Then it places a few people on the
// plane and shows how sure each call is. Build: part of the attune project (examples/).
// The words of every statistic: docs/glossary.md.
#include <attune/analyses/classify.hpp>
#include <attune/analyses/descriptives.hpp>

#include <cstdio>
#include <string>

namespace {

char letter(attune::attachment_style s) {
  switch (s) {
    case attune::attachment_style::secure: return 'S';
    case attune::attachment_style::preoccupied: return 'P';
    case attune::attachment_style::dismissing: return 'D';
    case attune::attachment_style::fearful: return 'F';
    default: return '.';
  }
}

// Draws the plane: rows = anxiety from 7 (top) to 1, columns = avoidance from 1 to 7.
void draw(const char* title, attune::classify_method method) {
  std::printf("\n%s\n", title);
  std::printf("  anxiety\n");
  const int cols = 49;
  const int rows = 19;
  for (int r = 0; r < rows; ++r) {
    const double anx = 7.0 - 6.0 * r / (rows - 1);
    Eigen::VectorXd a = Eigen::VectorXd::Constant(cols, anx);
    Eigen::VectorXd v = Eigen::VectorXd::LinSpaced(cols, 1.0, 7.0);
    attune::classify_options o;
    o.method = method;
    o.range = attune::response_range{1, 7};
    const auto c = attune::classify(a, v, o);
    std::string line;
    for (int k = 0; k < cols; ++k) line += letter(c.styles[static_cast<std::size_t>(k)]);
    std::printf("  %4.1f |%s\n", anx, line.c_str());
  }
  std::printf("       +%s\n", std::string(cols, '-').c_str());
  std::printf("        1       2       3       4       5       6       7   avoidance\n");
}

// Along a line of the plane (anxiety fixed, or avoidance fixed), the first point from 1 towards 7
// where the style is no longer secure: where the secure region ends.
double secure_ends(attune::classify_method method, bool along_avoidance, double fixed) {
  const int points = 6001;  // steps of 0.001
  const Eigen::VectorXd line = Eigen::VectorXd::LinSpaced(points, 1.0, 7.0);
  const Eigen::VectorXd other = Eigen::VectorXd::Constant(points, fixed);
  attune::classify_options o;
  o.method = method;
  o.range = attune::response_range{1, 7};
  const auto c = along_avoidance ? attune::classify(other, line, o) : attune::classify(line, other, o);
  for (int k = 0; k < points; ++k) {
    if (c.styles[static_cast<std::size_t>(k)] != attune::attachment_style::secure) return line(k);
  }
  return 7.0;
}

}  // namespace

int main() {
  std::printf("The four attachment styles on the anxiety x avoidance plane (S secure, P preoccupied,\n"
              "D dismissing-avoidant, F fearful-avoidant).\n");
  draw("1. Midpoint split (each dimension cut at 4; '> 4 = high'):", attune::classify_method::midpoint);
  draw("2. Brennan, Clark & Shaver (1998) Fisher functions for ECR means on 1-7 (the\n"
       "   regions are not quadrants: the secure region stops short of the midpoint):",
       attune::classify_method::fisher);
  std::printf("\n   Where the secure region ends (midpoint split | Fisher functions):\n");
  for (const double at : {1.0, 2.0, 2.5}) {
    std::printf("   anxiety %.1f: avoidance up to %.2f | %.2f;   avoidance %.1f: anxiety up to %.2f | %.2f\n", at,
                secure_ends(attune::classify_method::midpoint, true, at), secure_ends(attune::classify_method::fisher, true, at),
                at, secure_ends(attune::classify_method::midpoint, false, at),
                secure_ends(attune::classify_method::fisher, false, at));
  }
  std::printf("   The Fisher secure region is smaller than the midpoint quadrant: a person at 3.6 on both\n"
              "   dimensions is secure by the midpoint rule but fearful by the functions.\n");

  std::printf("\n3. Five people, classified by both rules. SEM = standard error of measurement: here an\n"
              "   illustrative 0.30 on each dimension (SD 1.0 and reliability .91; use your sample's).\n\n");
  struct person {
    const char* who;
    double anxiety, avoidance;
  };
  const person people[] = {{"Ana", 2.0, 1.8}, {"Ben", 5.9, 2.1}, {"Cleo", 2.2, 5.6}, {"Dev", 5.5, 5.8},
                           {"Eli", 3.1, 3.0}};
  const double sem = attune::standard_error_of_measurement(1.0, 0.91);
  Eigen::VectorXd a(5), v(5);
  for (int i = 0; i < 5; ++i) {
    a(i) = people[i].anxiety;
    v(i) = people[i].avoidance;
  }
  attune::classify_options mid;
  mid.method = attune::classify_method::midpoint;
  mid.range = attune::response_range{1, 7};
  mid.sem_anxiety = mid.sem_avoidance = sem;
  attune::classify_options fis = mid;
  fis.method = attune::classify_method::fisher;
  const auto cm = attune::classify(a, v, mid);
  const auto cf = attune::classify(a, v, fis);
  std::printf("  %-5s %7s %9s | %-12s %6s | %-12s %9s %6s\n", "who", "anxiety", "avoidance", "midpoint", "dist",
              "fisher", "p(style)", "dist");
  for (std::size_t i = 0; i < 5; ++i) {
    const auto k = static_cast<Eigen::Index>(cf.styles[i]);
    std::printf("  %-5s %7.2f %9.2f | %-12s %6.2f | %-12s %9.3f %6.2f%s\n", people[i].who, a(static_cast<Eigen::Index>(i)),
                v(static_cast<Eigen::Index>(i)), std::string(attune::to_string(cm.styles[i])).c_str(),
                cm.boundary_distance_sem(static_cast<Eigen::Index>(i)),
                std::string(attune::to_string(cf.styles[i])).c_str(), cf.probabilities(static_cast<Eigen::Index>(i), k),
                cf.boundary_distance_sem(static_cast<Eigen::Index>(i)),
                cf.could_flip[i].value_or(false) || cm.could_flip[i].value_or(false) ? "  <- within 1 SEM of a boundary" : "");
  }
  std::printf("\n  'dist' is the distance to the nearest boundary in SEM units: below 1, measurement error\n"
              "  alone could move the person into another style. Eli sits near the middle: the two rules\n"
              "  agree on 'secure', but the Fisher probability is low and the call could flip.\n");
  std::printf("\n4. Why the dimensions matter more than the styles:\n   %s\n",
              std::string(attune::dimensional_use_note()).c_str());
  return 0;
}
