-- pandoc Lua filter for bench/run.py: GFM has no hard line break inside a table cell, so
-- checkgen writes `<br>` there. pandoc's typst writer drops raw HTML silently, which would
-- glue the lines of a cell together; turn each `<br>` into a real line break (`\` in typst).
function RawInline(el)
  if el.format:match('^html') and el.text:match('^<br%s*/?>$') then
    return pandoc.LineBreak()
  end
end
