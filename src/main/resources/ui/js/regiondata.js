// Regions between the API's annotations and the editor's plain objects.

/** Regions of an annotation list, as the editor holds them. */
export function regionsOf(annotations) {
  const out = [];
  for (const a of annotations) {
    for (const region of a.data?.regions || []) {
      const info = region.region_info || {};
      const concept = region.data?.concepts?.[0]?.id || '';
      if (info.bounding_box) {
        const b = info.bounding_box;
        out.push({ concept, box: { top: b.top_row || 0, left: b.left_col || 0, bottom: b.bottom_row || 0, right: b.right_col || 0 } });
      } else if (info.polygon) {
        out.push({ concept, points: (info.polygon.points || []).map((p) => ({ row: p.row || 0, col: p.col || 0 })) });
      }
    }
  }
  return out;
}

/** The region as the API's Data: one region per annotation, its concept inside. */
export function regionData(r) {
  const region_info = r.box
    ? { bounding_box: { top_row: r.box.top, left_col: r.box.left, bottom_row: r.box.bottom, right_col: r.box.right } }
    : { polygon: { points: r.points.map((p) => ({ row: p.row, col: p.col })) } };
  return { regions: [{ region_info, data: { concepts: [{ id: r.concept, value: 1 }] } }] };
}

/**
 * A labeling as the API's annotations (data only): one for the concepts present, one per
 * region. What the labeler saves (PutTaskAnnotations) and a reviewer's correction is.
 */
export function annotationsOf(label) {
  const annotations = [];
  if (label.concepts.size) annotations.push({ data: { concepts: [...label.concepts].map((c) => ({ id: c, value: 1 })) } });
  label.regions.forEach((r) => annotations.push({ data: regionData(r) }));
  return annotations;
}
