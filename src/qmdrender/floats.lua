-- qmdrender pandoc filter, second pass: Quarto's floats -> typst figures.
--
-- Figures, tables (with sub-floats, list tables, tbl-colwidths), code listings
-- and callouts become raw typst around pandoc-rendered content, so kind,
-- supplement ("Figure", "Table", "Listing"), caption position and numbering
-- are Quarto's. Labels stay on the typst elements for crossref.lua's refs.

local util = dofile(pandoc.path.join({ pandoc.path.directory(PANDOC_SCRIPT_FILE), "filters_util.lua" }))
local typst, prefix_of, warn, fail = util.typst, util.prefix_of, util.warn, util.fail

local KINDS = { fig = "image", tbl = "table", lst = "lst" }
local FLOAT = {  -- typst figure kind, supplement, caption position (Quarto's)
  image = { kind = "image", supplement = "Figure", position = "bottom" },
  table = { kind = "table", supplement = "Table", position = "top" },
  lst = { kind = '"qmd-lst"', supplement = "Listing", position = "top" },
}

-- Wrap already-rendered content in raw typst `open` ... `close`.
local function wrap(open, content, close)
  local blocks = pandoc.Blocks({ pandoc.RawBlock("typst", open) })
  blocks:extend(content)
  blocks:insert(pandoc.RawBlock("typst", close))
  return blocks
end

local function caption_arg(caption, float)
  return "caption: figure.caption(position: " .. float.position .. ", [" .. typst(caption or {}) .. "])"
end

-- A float written as raw typst, so we control kind, supplement and numbering.
-- Quarto numbers only labelled floats; a labelled float always shows "Figure N:".
local function raw_figure(content, caption, id, fkind)
  local float = FLOAT[fkind]
  local args = { "kind: " .. float.kind, "supplement: [" .. float.supplement .. "]" }
  local labelled = id and id ~= ""
  if labelled or (caption and #caption > 0) then table.insert(args, caption_arg(caption, float)) end
  if not labelled then table.insert(args, "numbering: none") end
  local close = "]"
  if labelled then close = close .. " <" .. id .. ">" end
  return wrap("#figure(" .. table.concat(args, ", ") .. ")[", content, close)
end

-- pandoc's writer puts every table in its own figure; keep only the `#table(...)`.
local function bare_table(tbl)
  tbl = tbl:clone()
  tbl.attr = pandoc.Attr()
  tbl.caption = { long = {}, short = nil }
  local out = typst({ tbl })
  local inner = out:match("^#figure%(%s*align%(center%)%[(#table%(.*%))%]%s*,%s*kind: table%s*%)$")
  return pandoc.RawBlock("typst", inner or out)
end

-- `tbl-colwidths="[20,80]"` (attribute) sets relative column widths.
local function apply_colwidths(tbl, value)
  if not value then return end
  local widths = {}
  for n in tostring(value):gmatch("[%d%.]+") do table.insert(widths, tonumber(n)) end
  local total = 0
  for _, w in ipairs(widths) do total = total + w end
  if #widths ~= #tbl.colspecs or total <= 0 then
    warn("tbl-colwidths", "tbl-colwidths " .. tostring(value) .. " does not match the table's "
      .. #tbl.colspecs .. " columns: ignored")
    return
  end
  for i, spec in ipairs(tbl.colspecs) do tbl.colspecs[i] = { spec[1], widths[i] / math.max(total, 100) } end
end

local function table_float(tbl, caption, id, colwidths)
  apply_colwidths(tbl, colwidths or tbl.attributes["tbl-colwidths"])
  caption = caption or (tbl.caption.long and #tbl.caption.long > 0 and tbl.caption.long) or nil
  id = id or tbl.identifier
  if (not id or id == "") and not caption then return pandoc.Blocks({ bare_table(tbl) }) end
  return raw_figure({ bare_table(tbl) }, caption, id, "table")
end

-- `::: {.list-table}`: a caption paragraph (optionally ending in `{key=value}`)
-- and a bullet list of rows, each a bullet list of cells; the first row is the header.
local function list_table(div)
  local caption, attrs, list = nil, {}, nil
  for _, block in ipairs(div.content) do
    if block.t == "BulletList" then
      list = block
    elseif block.t == "Para" and not list then
      caption = pandoc.List(block.content)
      local last = caption[#caption]
      if last and last.t == "Str" and last.text:match("^{.*}$") then
        for k, v in last.text:gmatch("([%w-]+)=(%b[])") do attrs[k] = v end
        for k, v in last.text:gmatch("([%w-]+)=\"([^\"]*)\"") do attrs[k] = v end
        caption:remove(#caption)
        while #caption > 0 and caption[#caption].t == "Space" do caption:remove(#caption) end
      end
    end
  end
  if not list then return nil end
  local rows = {}
  for _, item in ipairs(list.content) do
    local cells = {}
    local inner = item[1]
    if not inner or inner.t ~= "BulletList" then
      fail(div.identifier, ".list-table " .. div.identifier .. ": every row must be a `* - cell` list of cells")
      return nil
    end
    for _, cell in ipairs(inner.content) do table.insert(cells, cell) end
    table.insert(rows, cells)
  end
  local ncol = #rows[1]
  local aligns, widths = {}, {}
  for i = 1, ncol do aligns[i] = pandoc.AlignDefault; widths[i] = 0 end
  local header = table.remove(rows, 1)
  local simple = pandoc.SimpleTable({}, aligns, widths, header, rows)
  local tbl = pandoc.utils.from_simple_table(simple)
  return table_float(tbl, caption and pandoc.Blocks({ pandoc.Plain(caption) }), div.identifier,
    attrs["tbl-colwidths"] or div.attributes["tbl-colwidths"])
end

-- A subfloat: a Figure, an identified Table, or a paragraph holding only an
-- identified image (an image without caption is not a pandoc Figure).
local function as_subfloat(block)
  if block.t == "Figure" and block.identifier ~= "" then
    return block.content, block.caption.long, block.identifier
  elseif block.t == "Table" and block.identifier ~= "" then
    return { bare_table(block) }, block.caption.long, block.identifier
  elseif block.t == "Para" and #block.content == 1 and block.content[1].t == "Image"
      and block.content[1].identifier ~= "" then
    local img = block.content[1]
    local id = img.identifier
    img.identifier = ""
    return { pandoc.Plain({ img }) }, {}, id
  end
end

-- Quarto's subfloats: the parent is "Figure 1", children "(a)", "(b)" and
-- referenced as "Figure 1b" (qmd-super in template.typ).
local function subfloats(div, content, caption, fkind)
  local float = FLOAT[fkind]
  local ncol = tonumber(div.attributes["layout-ncol"] or "1") or 1
  local cells = pandoc.Blocks({})
  local open = "#qmd-super(kind: " .. float.kind .. ", supplement: [" .. float.supplement .. "], position: "
    .. float.position .. ", caption: [" .. typst(caption) .. "], lbl: <" .. div.identifier .. ">)[#grid(columns: "
    .. ncol .. ", gutter: 2em,"
  for _, block in ipairs(content) do
    local sub, subcap, id = as_subfloat(block)
    if sub then
      cells:extend(wrap("[#figure(kind: \"qmd-sub\", caption: [" .. typst(subcap) .. "])[", sub,
        "] <" .. id .. ">],"))
    else
      cells:extend(wrap("[", { block }, "],"))
    end
  end
  return wrap(open, cells, ")]")
end

local CALLOUT = {  -- Quarto's typst callout colours: frame/icon, title background, icon text
  note = { "#0758E5", "#dae6fb", " " }, tip = { "#00A047", "#ccf1e3", " " },
  warning = { "#EB9113", "#fcefdc", " " }, caution = { "#FC5300", "#ffe5d0", " " },
  important = { "#CC1914", "#f7dddc", "!" },
}

-- `::: {.callout-note}` with an optional `## Title` (or title="...") first.
local function callout(div)
  local ctype
  for _, class in ipairs(div.classes) do
    if class == "callout" then ctype = ctype or "plain" end
    local t = class:match("^callout%-(%a+)$")
    if t and CALLOUT[t] then ctype = t end
  end
  if not ctype then return nil end
  local content = pandoc.Blocks(div.content)
  local title
  if div.attributes.title then
    title = pandoc.read(div.attributes.title, "markdown").blocks
  elseif content[1] and content[1].t == "Header" then
    title = { pandoc.Plain(content[1].content) }
    content:remove(1)
  end
  local style = CALLOUT[ctype] or { "#acacac", "#eeeeee", nil }
  if not title and ctype ~= "plain" then
    title = { pandoc.Plain({ pandoc.Str(ctype:sub(1, 1):upper() .. ctype:sub(2)) }) }
  end
  local icon = style[3]
  if div.attributes.icon == "false" or div.attributes.appearance == "minimal" then icon = nil end
  local args = "color: rgb(\"" .. style[1] .. "\"), background: rgb(\"" .. style[2] .. "\")"
    .. ", icon: " .. (icon and ("[" .. icon .. "]") or "none")
    .. ", title: " .. (title and ("[" .. typst(title) .. "]") or "none")
  return wrap("#qmd-callout(" .. args .. ")[", content, "]")
end

-- Quarto div floats: `::: {#fig-x}` / `::: {#tbl-x}`, caption = last paragraph.
local function Div(div)
  if div.classes:includes("list-table") then return list_table(div) end
  if util.unsupported(div.identifier) then return nil end
  local c = callout(div)
  if c then return c end
  local fkind = KINDS[prefix_of(div.identifier) or ""]
  if fkind ~= "image" and fkind ~= "table" then return nil end
  local content = pandoc.Blocks({})
  for i = 1, #div.content do content:insert(div.content[i]) end
  local caption = pandoc.Blocks({})
  local last = content[#content]
  local only_images = last and last.t == "Para" and #last.content > 0
  if only_images then
    for _, il in ipairs(last.content) do
      if il.t ~= "Image" and il.t ~= "Space" and il.t ~= "SoftBreak" and il.t ~= "RawInline" then
        only_images = false
      end
    end
  end
  if #content > 1 and last.t == "Para" and not only_images then
    caption:insert(pandoc.Plain(last.content))
    content:remove(#content)
  end
  local has_sub = div.attributes["layout-ncol"] ~= nil
  for _, block in ipairs(content) do
    if as_subfloat(block:clone()) then has_sub = true end
  end
  if has_sub then return subfloats(div, content, caption, fkind) end
  if fkind == "table" and #content == 1 and content[1].t == "Table" then
    return table_float(content[1], caption, div.identifier, div.attributes["tbl-colwidths"])
  end
  return raw_figure(content, caption, div.identifier, fkind)
end

-- Markdown figures `![cap](x.png){#fig-x}`: same raw figure (consistent
-- captions); without an id it takes no number, as in Quarto.
local function Figure(fig)
  local fkind = prefix_of(fig.identifier) == "tbl" and "table" or "image"
  return raw_figure(fig.content, fig.caption.long, fig.identifier, fkind)
end

local function Table(tbl)
  return table_float(tbl)
end

-- ```{#lst-x .python lst-cap="..."}: a numbered listing, caption above.
local function CodeBlock(block)
  if prefix_of(block.identifier) ~= "lst" then return nil end
  local id, cap = block.identifier, block.attributes["lst-cap"]
  block.identifier = ""
  block.attributes["lst-cap"] = nil
  local caption = cap and pandoc.read(cap, "markdown").blocks or {}
  return raw_figure({ block }, caption, id, "lst")
end

return {
  { CodeBlock = CodeBlock },
  -- top-down: a subfloat container must see its children before they become typst
  { traverse = "topdown", Div = Div, Figure = Figure, Table = Table },
}
