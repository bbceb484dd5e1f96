<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>About</name>
    <message>
        <source>About Cluster Planner</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>AssignmentsModel</name>
    <message>
        <source>Code</source>
        <extracomment>The value to sort by (numbers for fit and flags, text otherwise). The ``(region, industry)`` key of the row.</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Region</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Industry</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pillar</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Role</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Note</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Flags</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CatalogPanel</name>
    <message>
        <source>Search industries: 中文, English or pinyin</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Industry</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Role</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lead</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Assign the industry to the selected regions as lead (Ctrl+L)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Support</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Assign the industry to the selected regions as support (Ctrl+Shift+L)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove the industry from the selected regions (Del)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Why this region takes this industry…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{count} lead</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{count} support</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Note: select one region and one of its industries</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Note on {industry} in {region}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Dialogs</name>
    <message>
        <source>Unsaved changes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The plan “{name}” has unsaved changes.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Do you want to save them?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Switch level</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This plan is drawn on the {current} level; a plan has one level.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Start a new, empty plan on the {new} level? (You can save this one first.)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New plan</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>province</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>prefecture</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>county</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Go to region</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Region (Chinese or English name, or code):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Recover unsaved plans</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cluster Planner did not close cleanly. These plans had unsaved changes that were saved automatically:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Restore</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Discard all</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Later</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Compare plans</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Change</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Region</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Industry</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This plan</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Other plan</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;b&gt;This plan:&lt;/b&gt; {a} &amp;nbsp; &lt;b&gt;Other plan:&lt;/b&gt; {b} ({path})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{added} added, {removed} removed, {changed} changed in {regions} regions</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Homogeneity index: this plan {a:.3f}, other plan {b:.3f}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{severity} flags: this plan {a}, other plan {b}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>added</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>removed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>changed</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>EditCommand</name>
    <message>
        <source>Rename plan to “{name}”</source>
        <extracomment>``QUndoCommand.id`` of note edits; commands with the same id may merge.</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Change setting {key}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Edit plan</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{count} industries</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{count} regions</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove {industry} from {region}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Edit note on {industry} in {region}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Change role of {industry} in {region} to {role}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Assign {industry} to {region} as support</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Assign {industry} to {region}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>lead</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>support</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>FlagsModel</name>
    <message>
        <source>Severity</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Kind</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Message</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>FlagsPanel</name>
    <message>
        <source>All kinds</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Analysis not available: the plan can be drafted and saved, but no flags are computed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Kind:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No flags</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>fit {fit:.2f}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Help</name>
    <message>
        <source>An industry is crowded (more regions than its cap) and this region takes it although its local conditions do not support it. The core of homogenized development.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>More regions take the industry than the cap: the largest of a minimum number, a share of all regions, and the number of regions whose conditions support it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A region takes an industry its conditions do not support (fit below the threshold), although the industry is not crowded.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Two regions have nearly the same set of industries (cosine similarity of their portfolios above the threshold). Neighbours that look alike compete for the same firms and funds.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>An industry in the plan needs an upstream link that no region covers, neither in the plan nor in an existing industrial base.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cluster Planner help</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Selection &amp;&amp; industries</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Filter assignments (region, industry, role, note…)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Assignments</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Flags</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;New plan</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Open…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save &amp;As…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Export…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export the plan as a map, table, GIS layer or report</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Compare with…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Compare this plan with another plan file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Undo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Redo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Re&amp;name plan…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Assign as &amp;lead</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Assign as &amp;support</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Remove industry from selection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Clear selection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Go to region…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Select a region by its name or code (the keyboard way to pick regions)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Focus the &amp;map</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keys on the map: arrows pan, + and - zoom, Home resets</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Find industry</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Filter &amp;assignments</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Reset view</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show the whole country</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Zoom &amp;in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Zoom &amp;out</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;About Cluster Planner</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cluster Planner &amp;Help</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;System language</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Follow the &amp;system</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Light</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Dark</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Number of industries</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chosen industry</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Flag severity</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open &amp;Recent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Plan</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Level</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Colour by</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lan&amp;guage</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Theme</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Map</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> Level: </source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> Colour by: </source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The industry the map shows</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading the {level} layer…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot load the {level} layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Select regions and an industry first</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rename plan</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Plan name:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{region} ({code}) · 1 industry</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>{region} ({code}) · %n industries</source>
        <translation type="unfinished">
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>{name}[*] — Cluster Planner</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>1 assignment</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n assignments</source>
        <translation type="unfinished">
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source> in 1 region</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source> in %n regions</source>
        <translation type="unfinished">
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source> · {flags} flags</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> · homogeneity {index:.2f}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{industry}: lead</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Support</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not chosen</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No flag</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Info</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Warning</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Error</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Only in the other plan</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Only in this plan</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Changed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Same</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No industry</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>1 industry</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n industries</source>
        <translation type="unfinished">
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>{low}–{high} industries</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Code {code}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>, fit {fit:.2f}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open plan</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot open the plan</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save plan as</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot save the plan</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saved {path}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No recent plans</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Clear recent plans</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Plan not found</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{path} no longer exists; it was removed from the recent plans.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Map picture (*.png)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Map as vector graphics (*.svg)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Map as PDF (*.pdf)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Report (*.html)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Assignments table (*.csv)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>GIS layer, GeoPackage (*.gpkg)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>GIS layer, GeoJSON (*.geojson)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Plan, normalised (*.cplan)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export plan</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot export the plan</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Exported {path}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Compare with plan</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot compare the plans</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Autosave failed: {problem}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot restore the plan</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{file}: cannot be restored ({problem})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>never saved</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{name} — {level}, {count} assignments
autosaved {when} — {source}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Untitled plan</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> (the plan file changed since)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No region matches “{text}”</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MapCanvas</name>
    <message>
        <source>Click a region to select it; Ctrl+click adds or removes it; Shift+drag selects the regions in a box (Ctrl+Shift+drag adds them); drag to pan; wheel to zoom; Home shows the whole country; double-click opens a region.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Map of regions</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Pillar</name>
    <message>
        <source>Traditional industries</source>
        <extracomment>The plan setting holding the user&apos;s local-condition facts (see the module docstring).</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Emerging industries</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Future industries</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Services</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Infrastructure</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>PlanDocument</name>
    <message>
        <source>Untitled plan</source>
        <extracomment>``None`` until the window has loaded the first layer (it shows before that). The open plan&apos;s local conditions (bundled + the plan&apos;s user facts) and the fit built on them; the level&apos;s shared objects until the plan has its own facts.</extracomment>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>RegionPanel</name>
    <message>
        <source>Clear</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Clear the selection (Esc on the map)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{name} ({code}) · 1 industry</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>{name} ({code}) · %n industries</source>
        <translation type="unfinished">
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>No region selected: click the map (Ctrl+click adds)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{count} selected</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Severity</name>
    <message>
        <source>info</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>warning</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>error</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
