document.title += "+blocked-script-ran";
