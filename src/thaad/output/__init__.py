"""What users read and look at: run directories, text, maps, the HTML report, CZML/KML
export and the 3-D viewer."""
